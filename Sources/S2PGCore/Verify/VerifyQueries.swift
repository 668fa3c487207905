import MariaDBClient
import PostgresClient

/// For `s2pg verify`: the same canonical text of every value, computed by each database in its own SQL,
/// so a row's MD5 matches on both sides exactly when the mirror holds what the source holds (after the
/// documented value policies). Both sides are ordered by the bytes of the canonical key.
public struct VerifyQueries: Sendable {
    public let plan: TablePlan
    /// Each column's encoding by source name, as the source's result sends it (a VECTOR packed or as JSON).
    let encodings: [String: ValueEncoding]

    /// `encodings` in the order of the plan's columns, from the source's result (`probeSQL`); by default
    /// as the plan alone gives them.
    public init(plan: TablePlan, encodings: [ValueEncoding]? = nil) {
        self.plan = plan
        self.encodings = Dictionary(
            uniqueKeysWithValues: zip(plan.columns.map(\.sourceName), encodings ?? plan.columns.map(ValueEncoding.init)))
    }

    /// The sync's select list with no rows, for the result's columns to tell how VECTORs come.
    public var probeSQL: String {
        "SELECT \(SourceQueries(plan: plan).selectList) FROM \(MariaDBIdentifier.quote(plan.sourceName)) LIMIT 0"
    }

    private func encoding(_ column: TablePlan.Column) -> ValueEncoding {
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

    private func sourceValue(_ column: TablePlan.Column) -> String {
        let name = MariaDBIdentifier.quote(column.sourceName)
        switch encoding(column) {
        case .number:
            if case .interval = column.mapped.postgres { return "CAST(ROUND(TIME_TO_SEC(\(name)) * 1000000) AS CHAR)" }
            // YEAR prints four digits (`0000`); the mirror's smallint holds the number.
            if column.sourceType.name == "year" { return "CAST(\(name) + 0 AS CHAR)" }
            return "CAST(\(column.mapped.select(name)) AS CHAR)"
        case .text, .json, .set, .vector:
            return "REPLACE(CAST(\(column.mapped.select(name)) AS CHAR), CHAR(0), '')"
        case .bytes, .packedVector:
            return "LOWER(HEX(\(name)))"
        case .dateTime, .zonedDateTime:
            // Zero and impossible dates are NULL in the mirror, by policy.
            return "IF(\(name) < '0001-01-01' OR MONTH(\(name)) = 0 OR DAYOFMONTH(\(name)) = 0, NULL, CAST(\(name) AS CHAR))"
        case .boolean:
            return "IF(\(name) = 0, 'false', 'true')"
        case .bits(let length):
            return "LPAD(BIN(\(name)), \(length), '0')"
        }
    }

    private func targetValue(_ column: TablePlan.Column) -> String {
        let name = PostgresIdentifier.quote(column.targetName)
        if case .packedVector(let element) = encoding(column) { return Self.packedHex(name, element) }
        switch column.mapped.postgres {
        case .interval: return "round(extract(epoch FROM \(name)) * 1000000)::text"
        case .bytea: return "encode(\(name), 'hex')"
        case .timestamp(let precision): return Self.timestampText(name, precision: precision)
        // As the source's sessions print it: in their zone.
        case .timestampWithTimeZone(let precision): return Self.timestampText(plan.sourceZone.postgresLocalTime(name), precision: precision)
        // MySQL writes exponents as e308 and e-7, PostgreSQL as e+308 and e-07.
        // A real as the source reads FLOAT (as DOUBLE); both print a double's shortest exact text.
        case .real: return "regexp_replace(regexp_replace(\(name)::float8::text, 'e\\+0*', 'e'), 'e-0*', 'e-')"
        case .doublePrecision: return "regexp_replace(regexp_replace(\(name)::text, 'e\\+0*', 'e'), 'e-0*', 'e-')"
        case .array(.text): return "array_to_string(\(name), ',')"
        case .array: return "'[' || array_to_string(\(name), ',') || ']'"
        default: return "\(name)::text"
        }
    }

    /// An array's elements as the source packs them (`VectorElement`), in lowercase hex: each element's
    /// big-endian `*send` bytes, reversed.
    static func packedHex(_ array: String, _ element: VectorElement) -> String {
        // string_agg of no elements is NULL; an empty vector is empty, as the source's HEX('') is.
        func empty(_ hex: String) -> String { "coalesce(\(hex), CASE WHEN \(array) IS NOT NULL THEN '' END)" }
        let bytes: String
        switch element {
        case .i8: return empty("(SELECT string_agg(lpad(to_hex(e::integer & 255), 2, '0'), '' ORDER BY i) FROM unnest(\(array)) WITH ORDINALITY u(e, i))")
        case .i16: bytes = "int2send(e::smallint)"
        case .i32: bytes = "int4send(e::integer)"
        case .i64: bytes = "int8send(e::bigint)"
        case .f16, .f32: bytes = "float4send(e::real)"
        case .f64: bytes = "float8send(e::float8)"
        }
        let width = element.byteCount
        return empty("""
            (SELECT string_agg((SELECT string_agg(substr(encode(\(bytes), 'hex'), 2 * b + 1, 2), '' ORDER BY b DESC) \
            FROM generate_series(0, \(width - 1)) b), '' ORDER BY i) FROM unnest(\(array)) WITH ORDINALITY u(e, i))
            """)
    }

    /// MySQL prints exactly `precision` fractional digits.
    private static func timestampText(_ value: String, precision: Int) -> String {
        "left(to_char(\(value), 'YYYY-MM-DD HH24:MI:SS.US'), \(precision == 0 ? 19 : 20 + precision))"
    }

    private var keyColumns: [TablePlan.Column] {
        plan.key.map { name in plan.columns.first { $0.sourceName == name }! }
    }

    /// Values that can be large (text, bytes) enter a row's hash by their own MD5: the row's text would
    /// otherwise be built whole, and the source gives NULL for a string over its `max_allowed_packet`.
    /// Bytes are hashed raw, not as hex, so a value keeps its size.
    private func sourceHashed(_ column: TablePlan.Column) -> String {
        switch encoding(column) {
        case .bytes: "MD5(\(MariaDBIdentifier.quote(column.sourceName)))"
        case .text, .set, .vector, .packedVector: "MD5(\(sourceValue(column)))"
        default: sourceValue(column)
        }
    }

    private func targetHashed(_ column: TablePlan.Column) -> String {
        switch encoding(column) {
        case .bytes: "md5(\(PostgresIdentifier.quote(column.targetName)))"
        case .text, .set, .vector, .packedVector: "md5(\(targetValue(column)))"
        default: targetValue(column)
        }
    }

    /// `SELECT key, md5(row)` on the source, ordered by the key's bytes. A keyless table's rows are matched by
    /// their hash, so the hash is the key too.
    public var source: String {
        let values = comparedColumns.map { "COALESCE(\(sourceHashed($0)), '\(Self.nullMarker)')" }
        let hash = "MD5(CONCAT_WS('\(Self.separator)', \(values.joined(separator: ", "))))"
        let key = keyColumns.isEmpty
            ? hash
            : "CONCAT_WS('\(Self.separator)', \(keyColumns.map(sourceValue).joined(separator: ", ")))"
        return "SELECT \(key), \(hash) FROM \(MariaDBIdentifier.quote(plan.sourceName)) ORDER BY CAST(\(key) AS BINARY)"
    }

    /// The same from the mirror, in the same byte order.
    public var target: String {
        let values = comparedColumns.map { "coalesce(\(targetHashed($0)), E'\\x01N')" }
        let hash = "md5(concat_ws(E'\\x1F', \(values.joined(separator: ", "))))"
        let key = keyColumns.isEmpty
            ? hash
            : "concat_ws(E'\\x1F', \(keyColumns.map(targetValue).joined(separator: ", ")))"
        return "SELECT \(key), \(hash) FROM \(plan.qualifiedTargetName) ORDER BY \(key) COLLATE \"C\""
    }
}
