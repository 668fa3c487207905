import Crypto
import Foundation
import MariaDBClient
import PostgresClient

/// The SQL that compares a mirror with its source (for `verify`, deletes and reconciles): the same canonical
/// text of every value, computed by each database in its own SQL, so a row's MD5 matches on both sides
/// exactly when the mirror holds what the source holds (after the documented value policies).
///
/// Rows fall into buckets of about `rowsPerBucket` rows, and both databases give each bucket an
/// order-independent aggregate in one scan, without a sort: its row count and two sums. Only the rows of
/// buckets that differ are then read, key by key. Pure: tested without a database.
public struct ComparisonQueries: Sendable {
    /// How rows are put in buckets.
    public enum Bucketing: Sendable, Hashable {
        /// By the MD5 of the key's text, into `count` buckets: whatever the key, and independent of either
        /// side's collation.
        case hashed(count: Int)
        /// A one-column integer key by its value: bucket `b` holds the keys `k` with `k DIV width = b` (both
        /// databases truncate toward zero), a range the key's index reads directly. No hashing at all when
        /// only keys are compared.
        case ranges(width: Int)

        /// As fingerprints are kept with it: `hashed 4096`, `ranges 64`.
        public var text: String {
            switch self {
            case .hashed(let count): "hashed \(count)"
            case .ranges(let width): "ranges \(width)"
            }
        }

        public init?(text: String) {
            let parts = text.split(separator: " ")
            guard parts.count == 2, let number = Int(parts[1]), number > 0 else { return nil }
            switch parts[0] {
            case "hashed": self = .hashed(count: number)
            case "ranges": self = .ranges(width: number)
            default: return nil
            }
        }

        /// Whether this bucketing, kept from an earlier pass, still puts about as many rows in a bucket as
        /// `ideal` does (within a factor of 4): fingerprints are only comparable under one bucketing, so a
        /// table that grows keeps its bucketing until its buckets are 4 times too large or small.
        func isClose(to ideal: Bucketing) -> Bool {
            switch (self, ideal) {
            case (.hashed(let kept), .hashed(let wanted)), (.ranges(let kept), .ranges(let wanted)):
                kept <= wanted * 4 && wanted <= kept * 4
            default: false
            }
        }
    }

    public let plan: TablePlan
    /// Each column's encoding by source name, as the source's result sends it (a VECTOR packed or as JSON).
    let encodings: [String: ValueEncoding]
    public let bucketing: Bucketing
    /// Compare keys (and the cursor column's values), not whole rows.
    public let keysOnly: Bool
    /// Whether the source's bucket aggregates also give the sum of the rows' fingerprints (see
    /// `sourceFingerprint`), from the same scan.
    public let fingerprinted: Bool

    /// `encodings` in the order of the plan's columns, from the source's result (`probeSQL`); by default
    /// as the plan alone gives them.
    /// `sync.initial_sync_start` of an incremental table: only rows from it on are the mirror's, on both sides.
    public let since: SourceTimestamp?

    public init(
        plan: TablePlan, encodings: [ValueEncoding]? = nil, bucketing: Bucketing = .hashed(count: 1), keysOnly: Bool = false,
        fingerprinted: Bool = false, since: SourceTimestamp? = nil
    ) {
        self.since = plan.cursor == nil ? nil : since
        self.plan = plan
        self.encodings = Dictionary(
            uniqueKeysWithValues: zip(plan.columns.map(\.sourceName), encodings ?? plan.columns.map(ValueEncoding.init)))
        switch bucketing {
        case .hashed(let count): self.bucketing = .hashed(count: max(1, count))
        case .ranges(let width): self.bucketing = .ranges(width: max(1, width))
        }
        self.keysOnly = keysOnly && plan.keySource != .synthetic
        self.fingerprinted = fingerprinted
    }

    /// Rows per bucket aimed at: few enough that a bucket that differs is cheap to read again, many enough
    /// that the buckets' aggregates are a small result and cheap to group (measured on MariaDB: grouping
    /// 1M rows in buckets of 256 takes 0.5 s, of 32 0.7 s).
    public static let rowsPerBucket = 256

    /// Rows per bucket of a full-mode table, whose buckets' fingerprints are kept between passes: a pass
    /// reads the rows of only the buckets that changed, all of them, and the source groups a million rows
    /// into buckets of 16 about as fast as into buckets of 256 (1.55 s against 1.44 s, measured).
    public static let rowsPerFingerprintedBucket = 16

    /// At most this many buckets, however large the table: every bucket's aggregate is held in memory, from
    /// each side (about 80 MiB at the most, measured with 62,500 buckets).
    public static let maximumBuckets = 1 << 16

    /// Hashed buckets for a table of about `rows` rows.
    public static func buckets(forRows rows: Int, rowsPerBucket: Int = rowsPerBucket) -> Int {
        min(maximumBuckets, max(1, rows / rowsPerBucket))
    }

    /// The range width that gives a key spanning `minimum ... maximum` over `rows` rows about
    /// `rowsPerBucket` rows a bucket.
    public static func width(rows: Int, minimum: Int, maximum: Int, rowsPerBucket: Int = rowsPerBucket) -> Int {
        let span = Double(maximum) - Double(minimum) + 1
        let width = max(span * Double(rowsPerBucket) / Double(max(rows, 1)), span / Double(maximumBuckets))
        return Int(min(Double(Int.max / 4), max(1, width)))
    }

    /// The key column, when the table can be bucketed by ranges: one integer column PostgreSQL holds as
    /// smallint, integer or bigint.
    var rangeKey: TablePlan.Column? {
        guard keyColumns.count == 1, let column = keyColumns.first, encoding(column) == .number else { return nil }
        switch column.mapped.postgres {
        case .smallint, .integer, .bigint: return column
        default: return nil
        }
    }

    /// The sync's select list with no rows, for the result's columns to tell how VECTORs come.
    public var probeSQL: String {
        "SELECT \(SourceQueries(plan: plan).selectList) FROM \(MariaDBIdentifier.quote(plan.sourceName)) LIMIT 0"
    }

    func encoding(_ column: TablePlan.Column) -> ValueEncoding {
        encodings[column.sourceName] ?? ValueEncoding(column)
    }

    /// What stands for NULL in the canonical text, and what separates values: control characters that
    /// real data practically never holds.
    static let nullMarker = "\u{1}N"
    static let separator = "\u{1F}"

    /// Columns whose values are compared. jsonb normalizes JSON (key order, spacing), which the source
    /// cannot reproduce in SQL, so JSON columns are left out and reported as such; so are packed
    /// half-precision VECTORs, whose `real` elements PostgreSQL cannot write back as binary16.
    public var comparedColumns: [TablePlan.Column] {
        plan.columns.filter { uncompared($0) == nil }
    }

    /// Why `column` is left out of the comparison, or nil.
    func uncompared(_ column: TablePlan.Column) -> String? {
        switch encoding(column) {
        case .json: "JSON"
        case .packedVector(.f16): "packed F16 VECTOR"
        default: nil
        }
    }

    /// `name (reason)` of each column left out.
    public var uncomparedColumns: [String] {
        plan.columns.compactMap { column in uncompared(column).map { "\(column.sourceName) (\($0))" } }
    }

    // MARK: Keys and hashes

    /// The canonical text of a row's key on the source: its columns' texts joined by the separator (a
    /// keyless table's rows are told apart by their whole text, so there the row's hash is the key).
    var sourceKey: String {
        keyColumns.isEmpty ? sourceRowHash : "CONCAT_WS('\(Self.separator)', \(keyColumns.map(sourceValue).joined(separator: ", ")))"
    }

    var targetKey: String {
        keyColumns.isEmpty ? targetRowHash : Self.targetJoined(keyColumns.map(targetValue))
    }

    /// What a comparison of keys compares besides them: the cursor column, so that a row written with an old
    /// updated_at, or committed after the cursor passed it, differs from the mirror's.
    private var cursorColumns: [TablePlan.Column] {
        plan.cursor.flatMap { cursor in plan.columns.first { $0.sourceName == cursor.column } }.map { [$0] } ?? []
    }

    /// The MD5 of the row's canonical text (of its key's and cursor value's, comparing keys), in hex.
    var sourceRowHash: String {
        let values = (keysOnly ? cursorColumns : comparedColumns).map { "COALESCE(\(sourceHashed($0)), '\(Self.nullMarker)')" }
        if keysOnly { return "MD5(\(values.isEmpty ? sourceKey : "CONCAT_WS('\(Self.separator)', \(([sourceKey] + values).joined(separator: ", ")))"))" }
        return "MD5(CONCAT_WS('\(Self.separator)', \(values.joined(separator: ", "))))"
    }

    var targetRowHash: String {
        let values = (keysOnly ? cursorColumns : comparedColumns).map { "coalesce(\(targetHashed($0)), E'\\x01N')" }
        return "md5(\(Self.targetJoined(keysOnly ? [targetKey] + values : values)))"
    }

    /// Texts joined by the separator with `||`: `concat_ws` takes at most 100 arguments, and MySQL allows
    /// tables of 4,096 columns. (Every text is non-NULL here, so `||` joins what `concat_ws` would.)
    private static func targetJoined(_ texts: [String]) -> String {
        texts.count == 1 ? texts[0] : "(" + texts.joined(separator: " || E'\\x1F' || ") + ")"
    }

    /// The first 16 hex digits of a hex MD5 as an unsigned 64-bit number, on each side. PostgreSQL's
    /// `bit(32)` casts give each half unsigned.
    private static func sourceNumber(_ hash: String) -> String {
        "CAST(CONV(SUBSTRING(\(hash), 1, 16), 16, 10) AS UNSIGNED)"
    }

    private static func targetNumber(_ hash: String) -> String {
        "(('x' || substr(\(hash), 1, 8))::bit(32)::bigint * 4294967296::numeric + ('x' || substr(\(hash), 9, 8))::bit(32)::bigint)"
    }

    /// Digits 17 to 24 of a hex MD5 of the key's text as a number: the hashed bucket's basis.
    private static func sourceBucketNumber(_ hash: String) -> String {
        "CAST(CONV(SUBSTRING(\(hash), 17, 8), 16, 10) AS UNSIGNED)"
    }

    private static func targetBucketNumber(_ hash: String) -> String {
        "('x' || substr(\(hash), 17, 8))::bit(32)::bigint"
    }

    /// A prime below the square root of 2^63: a key's square modulo it fits a signed 64-bit integer on both
    /// sides.
    static let prime = 3_037_000_493

    /// The bucket of a row, on the source.
    private var sourceBucket: String {
        switch bucketing {
        case .hashed(let count): "\(Self.sourceBucketNumber("MD5(\(sourceKey))")) % \(count)"
        case .ranges(let width): "\(MariaDBIdentifier.quote(rangeKey!.sourceName)) DIV \(width)"
        }
    }

    private var targetBucket: String {
        switch bucketing {
        case .hashed(let count): "\(Self.targetBucketNumber("md5(\(targetKey))")) % \(count)"
        case .ranges(let width): "\(PostgresIdentifier.quote(rangeKey!.targetName))::bigint / \(width)"
        }
    }

    /// Whether a bucket's sums are of its keys rather than its rows' hashes: a range-bucketed key compared
    /// alone needs no hashing at all.
    private var sumsKeys: Bool {
        if keysOnly, cursorColumns.isEmpty, case .ranges = bucketing { true } else { false }
    }

    /// The two sums of a bucket: of the rows' hashes as numbers (and 0), or (`sumsKeys`) of the keys and of
    /// their squares modulo `prime`, exact.
    private var sourceSums: [String] {
        if sumsKeys {
            let key = MariaDBIdentifier.quote(rangeKey!.sourceName)
            return ["SUM(\(key))", "SUM((\(key) % \(Self.prime)) * (\(key) % \(Self.prime)) % \(Self.prime))"]
        }
        return ["SUM(\(Self.sourceNumber(sourceRowHash)))", "0"]
    }

    private var targetSums: [String] {
        if sumsKeys {
            let key = "\(PostgresIdentifier.quote(rangeKey!.targetName))::bigint"
            return ["sum(\(key))", "sum((\(key) % \(Self.prime)) * (\(key) % \(Self.prime)) % \(Self.prime))"]
        }
        return ["sum(\(Self.targetNumber("_s2pg_r")))", "0"]
    }

    // MARK: Fingerprints

    /// A row's fingerprint, by the source alone: the CRC32 of its values as the source prints them, values
    /// that can be large by their own CRC32 (a concatenation over `max_allowed_packet` would be NULL), and
    /// a flag per nullable column telling NULL from empty. It is compared only with the same source's
    /// fingerprints from earlier passes (`FingerprintLedger`), never with the mirror, so it needs no canonical
    /// text: on MariaDB it costs a third of the row hash.
    var sourceFingerprint: String {
        var values = plan.columns.map { column -> String in
            switch encoding(column) {
            case .text, .json, .bytes, .set: "CRC32(\(MariaDBIdentifier.quote(column.sourceName)))"
            case .vector, .packedVector: "CRC32(\(sourceValue(column)))"
            default: MariaDBIdentifier.quote(column.sourceName)
            }
        }
        let nulls = plan.columns.filter(\.isNullable).map { "ISNULL(\(MariaDBIdentifier.quote($0.sourceName)))" }
        if !nulls.isEmpty { values.append("CONCAT(\(nulls.joined(separator: ", ")))") }
        return "CRC32(CONCAT_WS('\(Self.separator)', \(values.joined(separator: ", "))))"
    }

    /// `bucket, rows, sum of the rows' fingerprints, 0` of every bucket with rows, by the source alone.
    public var sourceFingerprints: String {
        "SELECT \(sourceBucket) AS _s2pg_b, COUNT(*), SUM(\(sourceFingerprint)), 0 FROM \(sourceTable) GROUP BY _s2pg_b"
    }

    /// What fingerprints taken by this comparison's queries can be compared with: the same bucketing and the
    /// same query (columns, types and encodings), as a digest.
    public var fingerprintBasis: String {
        SHA256.hash(data: Data(sourceFingerprints.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Queries

    /// `bucket, rows, sum1, sum2` of every bucket with rows, on the source: one scan, no sort. Each
    /// expression appears once, since MariaDB computes an expression again wherever it is referenced.
    /// `fingerprinted` adds the sum of the rows' fingerprints.
    public var sourceBuckets: String {
        let sums = sourceSums + (fingerprinted ? ["SUM(\(sourceFingerprint))"] : [])
        return "SELECT \(sourceBucket) AS _s2pg_b, COUNT(*), \(sums.joined(separator: ", ")) FROM \(sourceTable) GROUP BY _s2pg_b"
    }

    /// The same from the mirror. `OFFSET 0` keeps the row's hash computed once where it is used twice.
    public var targetBuckets: String {
        """
        SELECT _s2pg_b, count(*), \(targetSums.joined(separator: ", ")) FROM (
        SELECT \(targetBucket) AS _s2pg_b, \(targetInner) FROM \(plan.qualifiedTargetName)\(targetLive.map { " WHERE \($0)" } ?? "") OFFSET 0) x
        GROUP BY _s2pg_b
        """
    }

    /// What the sums read: the mirror's key columns (s2pg's own aliases cannot be their names), or the row's hash.
    private var targetInner: String {
        if sumsKeys { return plan.targetKey.map(PostgresIdentifier.quote).joined(separator: ", ") }
        return "\(targetRowHash) AS _s2pg_r"
    }

    /// The key ranges of range buckets `among`: `k DIV width = b` is [b·w, (b+1)·w) above zero,
    /// ((b-1)·w, b·w] below it, (-w, w) at zero.
    /// A bound past the 64-bit integers (a bucket at the end of a key that spans them) is the integers' end.
    private func ranges(_ among: [Int], width: Int) -> [(low: Int, high: Int)] {
        func edge(_ bucket: Int) -> Int? {
            let (product, overflow) = bucket.multipliedReportingOverflow(by: width)
            return overflow ? nil : product
        }
        return among.map { b in
            b > 0 ? (edge(b) ?? .max, edge(b + 1).map { $0 - 1 } ?? .max)
                : b < 0 ? (edge(b - 1).map { $0 + 1 } ?? .min, edge(b) ?? .min) : (1 - width, width - 1)
        }
    }

    /// `key text, row hash, bucket, fingerprint`, then the key's columns as the sync reads them, of the
    /// source's rows in the buckets `among`.
    public func sourceRows(among: [Int]) -> String {
        // A ZEROFILL key as its number (`8`, not `00008`): printed as the mirror holds it, and as good a literal.
        let keys = keyColumns.map { column in
            let name = MariaDBIdentifier.quote(column.sourceName)
            return column.sourceType.isZerofill ? "\(name) + 0" : column.mapped.select(name)
        }
        var sql = "SELECT \(([sourceKey, sourceRowHash, sourceBucket, sourceFingerprint] + keys).joined(separator: ", ")) FROM \(sourceTable)"
        switch bucketing {
        case .hashed:
            sql += " WHERE \(sourceBucket) IN (\(among.map(String.init).joined(separator: ", ")))"
        case .ranges(let width):
            // MariaDB reads each range from the key's index.
            let key = MariaDBIdentifier.quote(rangeKey!.sourceName)
            sql += " WHERE (" + ranges(among, width: width).map { "\(key) BETWEEN \($0.low) AND \($0.high)" }.joined(separator: " OR ") + ")"
        }
        return sql
    }

    /// `key text, row hash, bucket`, then the key's columns as PostgreSQL prints them, of the mirror's rows in
    /// the buckets `among`.
    public func targetRows(among: [Int]) -> String {
        let keys = plan.targetKey.map { "\(PostgresIdentifier.quote($0))::text" }
        var from = plan.qualifiedTargetName
        var conditions = targetLive.map { [$0] } ?? []
        switch bucketing {
        case .hashed:
            conditions.append("\(targetBucket) IN (\(among.map(String.init).joined(separator: ", ")))")
        case .ranges(let width):
            // Joined to the ranges, so that each is an index scan: PostgreSQL tests an OR of ranges on every row.
            let values = ranges(among, width: width).map { "(\($0.low), \($0.high))" }.joined(separator: ", ")
            from += " JOIN (VALUES \(values)) AS _s2pg_range (_s2pg_low, _s2pg_high) ON \(PostgresIdentifier.quote(rangeKey!.targetName)) BETWEEN _s2pg_low AND _s2pg_high"
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return "SELECT \(([targetKey, targetRowHash, targetBucket] + keys).joined(separator: ", ")) FROM \(from)\(filter)"
    }

    /// The table, or its rows from `since` on under its own name.
    private var sourceTable: String {
        let table = MariaDBIdentifier.quote(plan.sourceName)
        guard let since, let cursor = plan.cursor else { return table }
        return "(SELECT * FROM \(table) WHERE \(MariaDBIdentifier.quote(cursor.column)) >= \(MariaDBIdentifier.literal(since.description.utf8))) AS \(table)"
    }

    /// Rows marked deleted (soft deletes) are not the mirror's: the source no longer has them; nor are rows
    /// before `since` (the target's sessions are in UTC, as TIMESTAMP values are read).
    private var targetLive: String? {
        var conditions: [String] = []
        if plan.softDeletes { conditions.append("\(PostgresIdentifier.quote(TablePlan.deletedAtColumn)) IS NULL") }
        if let since, let cursor = cursorColumns.first {
            // The timestamp's text is digits and punctuation only.
            conditions.append("\(PostgresIdentifier.quote(cursor.targetName)) >= '\(since.description)'")
        }
        return conditions.isEmpty ? nil : conditions.joined(separator: " AND ")
    }

    /// The key columns' encodings, in key order.
    var keyEncodings: [ValueEncoding] { keyColumns.map(encoding) }

    /// A row's key as a person reads it: `1`, `'x'`, `(1, 'x', 2020-01-01)`; a keyless table's row by its
    /// hash. Text is quoted (and its quotes doubled), so no two keys print alike.
    func display(_ row: RowDifferences.Row) -> String {
        guard !keyColumns.isEmpty else { return "row \(row.keyText)" }
        let values = zip(keyColumns, row.key).map { column, value -> String in
            guard let value else { return "NULL" }
            switch encoding(column) {
            case .text, .json, .set: return "'" + value.replacing("'", with: "''") + "'"
            default: return value
            }
        }
        return values.count == 1 ? values[0] : "(" + values.joined(separator: ", ") + ")"
    }
}
