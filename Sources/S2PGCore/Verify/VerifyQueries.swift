import MariaDBClient
import PostgresClient

/// For `s2pg verify`: the same canonical text of every value, computed by each database in its own SQL,
/// so a row's MD5 matches on both sides exactly when the mirror holds what the source holds (after the
/// documented value policies). Both sides are ordered by the bytes of the canonical key.
public struct VerifyQueries: Sendable {
    public let plan: TablePlan

    public init(plan: TablePlan) {
        self.plan = plan
    }

    /// What stands for NULL in the canonical text, and what separates values: control characters that
    /// real data practically never holds.
    static let nullMarker = "\u{1}N"
    static let separator = "\u{1F}"

    /// Columns whose values are compared. jsonb normalizes JSON (key order, spacing), which the source
    /// cannot reproduce in SQL, so JSON columns are left out and reported as such.
    public var comparedColumns: [TablePlan.Column] {
        plan.columns.filter { ValueEncoding($0) != .json }
    }

    private func sourceValue(_ column: TablePlan.Column) -> String {
        let name = MariaDBIdentifier.quote(column.sourceName)
        switch ValueEncoding(column) {
        case .number:
            if case .interval = column.mapped.postgres { return "CAST(ROUND(TIME_TO_SEC(\(name)) * 1000000) AS CHAR)" }
            // YEAR prints four digits (`0000`); the mirror's smallint holds the number.
            if column.sourceType.name == "year" { return "CAST(\(name) + 0 AS CHAR)" }
            return "CAST(\(column.mapped.select(name)) AS CHAR)"
        case .text, .json, .set, .vector, .packedVector:
            return "REPLACE(CAST(\(column.mapped.select(name)) AS CHAR), CHAR(0), '')"
        case .bytes:
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
        switch ValueEncoding(column) {
        case .bytes: "MD5(\(MariaDBIdentifier.quote(column.sourceName)))"
        case .text, .set, .vector, .packedVector: "MD5(\(sourceValue(column)))"
        default: sourceValue(column)
        }
    }

    private func targetHashed(_ column: TablePlan.Column) -> String {
        switch ValueEncoding(column) {
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
