import MariaDBClient
import PostgresClient

/// Compares one table's mirror with its source (see `ComparisonQueries`): first every bucket's aggregate,
/// from both databases at once, then the rows of the buckets that differ, key by key. Shared by `verify`,
/// deletes and reconciles.
struct TableComparer: Sendable {
    let queries: ComparisonQueries

    /// The buckets' aggregates on both sides.
    struct Summary: Sendable {
        var source: [Int: BucketSum]
        var target: [Int: BucketSum]
        /// The sums of the source's row fingerprints, from the same scan (`fingerprinted` comparisons only).
        var fingerprints: [Int: BucketSum] = [:]

        var sourceRows: Int { source.values.reduce(0) { $0 + $1.rows } }
        var targetRows: Int { target.values.reduce(0) { $0 + $1.rows } }
        var differing: [Int] { BucketSum.differing(source: source, target: target) }
        /// Rows the mirror has beyond the source's, bucket by bucket: at least that many are only in the mirror.
        var surplus: Int {
            differing.reduce(0) { $0 + max(0, (target[$1]?.rows ?? 0) - (source[$1]?.rows ?? 0)) }
        }
    }

    /// Prepares the comparison of `plan`: how the source sends its values (a VECTOR packed or as JSON, told by
    /// its result column's character set) and how its rows are put in buckets.
    /// `fingerprinted` sizes buckets for fingerprints kept between passes, and keeps the bucketing they were
    /// taken with (`kept`) while it is close to the one the table's size now gives.
    static func prepare(
        _ plan: TablePlan, keysOnly: Bool, fingerprinted: Bool = false, kept: ComparisonQueries.Bucketing? = nil,
        since: SourceTimestamp?, source: MariaDBConnection, target: PostgresConnection
    ) async throws -> TableComparer {
        let probe = ComparisonQueries(plan: plan).probeSQL
        let columns = try await source.run { try $0.query(probe).columns }
        let encodings = zip(plan.columns, columns).map { ValueEncoding($0, resultIsBinary: $1.isBinary, zone: .utc) }
        let rowsPerBucket = fingerprinted ? ComparisonQueries.rowsPerFingerprintedBucket : ComparisonQueries.rowsPerBucket
        var bucketing = try await Self.bucketing(
            ComparisonQueries(plan: plan, encodings: encodings), rowsPerBucket: rowsPerBucket, source: source, target: target)
        if let kept, kept.isClose(to: bucketing) { bucketing = kept }
        return TableComparer(
            queries: ComparisonQueries(plan: plan, encodings: encodings, bucketing: bucketing, keysOnly: keysOnly, fingerprinted: fingerprinted, since: since))
    }

    /// Ranges of the key where it is one integer column, else hashed buckets, sized for about
    /// `ComparisonQueries.rowsPerBucket` rows each from the larger side (the mirror's planner estimate or
    /// count, the source's catalog estimate) and, for ranges, the smallest and largest key of both (read
    /// from their indexes): a bucket stays small even when one side is empty.
    private static func bucketing(
        _ queries: ComparisonQueries, rowsPerBucket: Int, source: MariaDBConnection, target: PostgresConnection
    ) async throws -> ComparisonQueries.Bucketing {
        let plan = queries.plan
        let mirrorRows = try await target.execute(
            """
            SELECT CASE WHEN c.reltuples > 0 THEN c.reltuples::bigint ELSE (SELECT count(*) FROM \(plan.qualifiedTargetName)) END
            FROM pg_class c WHERE c.oid = $1::regclass
            """, [plan.qualifiedTargetName]
        ).rows.first?[0].flatMap { Int($0) } ?? 0
        let estimate = SourceQueries(plan: plan).rowEstimate
        let sourceRows = try await source.run { try $0.query(estimate).strings.first?[0].flatMap { Int($0) } ?? 0 }
        let rows = max(mirrorRows, sourceRows)
        guard let key = queries.rangeKey else {
            return .hashed(count: ComparisonQueries.buckets(forRows: rows, rowsPerBucket: rowsPerBucket))
        }
        let targetName = PostgresIdentifier.quote(key.targetName)
        let sourceName = MariaDBIdentifier.quote(key.sourceName)
        let bounds = "SELECT MIN(\(sourceName)), MAX(\(sourceName)) FROM \(MariaDBIdentifier.quote(plan.sourceName))"
        let sides = [
            try await target.execute("SELECT min(\(targetName))::text, max(\(targetName))::text FROM \(plan.qualifiedTargetName)").rows.first ?? [],
            try await source.run { try $0.query(bounds).strings.first ?? [] },
        ].filter { $0.count == 2 }
        let lows = sides.compactMap { $0[0].flatMap { Int($0) } }
        let highs = sides.compactMap { $0[1].flatMap { Int($0) } }
        // Both empty: one bucket, with nothing in it.
        guard let low = lows.min(), let high = highs.max() else { return .ranges(width: Int.max / 4) }
        return .ranges(width: ComparisonQueries.width(rows: rows, minimum: low, maximum: high, rowsPerBucket: rowsPerBucket))
    }

    func summarize(source: MariaDBConnection, target: PostgresConnection) async throws -> Summary {
        let sourceSQL = queries.sourceBuckets
        async let sourceRows = source.run { try $0.query(sourceSQL).strings }
        let targetRows = try await target.execute(queries.targetBuckets).rows
        let rows = try await sourceRows
        var summary = Summary(source: try Self.sums(rows), target: try Self.sums(targetRows))
        if queries.fingerprinted {
            summary.fingerprints = try Self.sums(rows.map { [$0[0], $0[1], $0.count == 5 ? $0[4] : nil, "0"] })
        }
        return summary
    }

    /// The sums of every bucket's row fingerprints, by the source alone.
    func fingerprints(source: MariaDBConnection) async throws -> [Int: BucketSum] {
        let sql = queries.sourceFingerprints
        return try Self.sums(try await source.run { try $0.query(sql).strings })
    }

    private static func sums(_ rows: [[String?]]) throws -> [Int: BucketSum] {
        var sums: [Int: BucketSum] = [:]
        for row in rows {
            guard let bucket = row[0].flatMap({ Int($0) }), let sum = BucketSum(Array(row.prefix(4))) else {
                throw S2PGError(code: .source, message: "a comparison query returned a row that is not a bucket's aggregate")
            }
            sums[bucket] = sum
        }
        return sums
    }

    /// Rows read again per group of differing buckets: they are held in memory while compared.
    static let groupRows = 50_000

    /// The differing buckets in groups of about `groupRows` rows (a bucket larger than that alone), so that
    /// memory stays bounded however much differs.
    func groups(_ summary: Summary) -> [[Int]] {
        let differing = summary.differing
        guard !differing.isEmpty else { return [] }
        var groups: [[Int]] = []
        var group: [Int] = []
        var rows = 0
        for bucket in differing {
            let size = max(summary.source[bucket]?.rows ?? 0, summary.target[bucket]?.rows ?? 0)
            if !group.isEmpty, rows + size > Self.groupRows {
                groups.append(group)
                group = []
                rows = 0
            }
            group.append(bucket)
            rows += size
        }
        groups.append(group)
        return groups
    }

    /// The rows of the buckets in `group`, matched by key. The mirror is read before the
    /// source: a row the mirror holds was at the source before the source's read began, so a row the source's
    /// read lacks was deleted there, not merely written late.
    /// Also returns the sums of the source's row fingerprints in each of the group's buckets, as this read
    /// found them.
    func differences(
        in group: [Int], source: MariaDBConnection, target: PostgresConnection
    ) async throws -> (differences: RowDifferences, fingerprints: [Int: BucketSum]) {
        let targetRows = try await target.execute(queries.targetRows(among: group)).rows.map { row in
            RowDifferences.Row(keyText: row[0] ?? "", hash: row[1] ?? "", key: Array(row.dropFirst(3)), bucket: row[2].flatMap { Int($0) } ?? 0)
        }
        let sourceSQL = queries.sourceRows(among: group)
        let keyEncodings = queries.keyEncodings
        let sourceRows = try await source.run { connection in
            var rows: [RowDifferences.Row] = []
            try connection.stream(sourceSQL) { row in
                func text(_ index: Int) -> String { row[index].map { String(decoding: $0, as: UTF8.self) } ?? "" }
                rows.append(
                    RowDifferences.Row(
                        keyText: text(0), hash: text(1),
                        key: keyEncodings.indices.map { index in row[index + 4].map { SourceLiteral.value($0, encoding: keyEncodings[index]) } },
                        bucket: Int(text(2)) ?? 0, fingerprint: UInt64(text(3)) ?? 0))
            }
            return rows
        }
        var fingerprints: [Int: (rows: Int, sum: UInt64)] = [:]
        for row in sourceRows {
            fingerprints[row.bucket, default: (0, 0)].rows += 1
            fingerprints[row.bucket, default: (0, 0)].sum &+= row.fingerprint
        }
        return (
            RowDifferences(source: sourceRows, target: targetRows),
            fingerprints.mapValues { BucketSum(rows: $0.rows, sum1: String($0.sum), sum2: "0") }
        )
    }
}
