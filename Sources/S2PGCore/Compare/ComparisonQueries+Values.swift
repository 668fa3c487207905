import MariaDBClient
import PostgresClient

/// How each column's value enters a comparison on either side: the text both databases print alike, and
/// large values by their MD5.
extension ComparisonQueries {
    func sourceValue(_ column: TablePlan.Column) -> String {
        let name = MariaDBIdentifier.quote(column.sourceName)
        switch encoding(column) {
        case .number:
            if case .interval = column.mapped.postgres { return "CAST(ROUND(TIME_TO_SEC(\(name)) * 1000000) AS CHAR)" }
            // YEAR prints four digits (`0000`); the mirror's smallint holds the number.
            // ZEROFILL pads the digits it prints (`007`); the mirror holds the number.
            if column.sourceType.name == "year" || column.sourceType.isZerofill { return "CAST(\(name) + 0 AS CHAR)" }
            // FLOAT(M,D) and DOUBLE(M,D) print D decimals (`1.500`): as a DOUBLE they print the value.
            // Other numbers as they are: joined into the row's text, they print as `CAST(... AS CHAR)` would,
            // at half its cost (measured on MariaDB: 0.23 s a column per million rows).
            switch column.mapped.postgres {
            case .real, .doublePrecision: return "CAST(CAST(\(name) AS DOUBLE) AS CHAR)"
            default: return column.mapped.select(name)
            }
        case .text, .json, .set, .vector:
            // Text in another character set is converted to the session's, utf8mb4, as PostgreSQL holds it:
            // its length and MD5 are then alike. Converting costs (0.45 s per million 64-byte JSON values).
            let value = column.mapped.read == .column && column.isUTF8 ? name : "CAST(\(column.mapped.select(name)) AS CHAR)"
            return "REPLACE(\(value), CHAR(0), '')"
        case .bytes, .packedVector:
            return "LOWER(HEX(\(name)))"
        case .dateTime, .zonedDateTime:
            // Zero and impossible dates are NULL in the mirror, by policy.
            return Self.validDate(name, as: Self.sourceDateText(name, column.mapped.postgres), else: "NULL")
        case .keyDateTime:
            // ... and `-infinity` in a key.
            return Self.validDate(name, as: Self.sourceDateText(name, column.mapped.postgres), else: "'-infinity'")
        case .boolean:
            return "IF(\(name) = 0, 'false', 'true')"
        case .bits(let length):
            return "LPAD(BIN(\(name)), \(length), '0')"
        }
    }

    /// A date and time as `text`, or `invalid` for a zero or impossible date.
    static func validDate(_ name: String, as text: String, else invalid: String) -> String {
        "IF(\(name) < '0001-01-01' OR MONTH(\(name)) = 0 OR DAYOFMONTH(\(name)) = 0, \(invalid), \(text))"
    }

    /// A date and time as PostgreSQL prints it (`::text`; as it is, it prints as text where the row's text is
    /// joined, like the numbers above): MySQL prints every fractional digit the column has
    /// (`12:00:00.500000`), PostgreSQL drops trailing zeros (`12:00:00.5`). Trimming them here costs next to
    /// nothing; PostgreSQL's `to_char` printing MySQL's way cost 0.9 s a column per million rows.
    static func sourceDateText(_ name: String, _ type: PostgresType) -> String {
        switch type {
        case .timestamp(let precision) where precision > 0, .timestampWithTimeZone(let precision) where precision > 0:
            "TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM \(name)))"
        default:
            name
        }
    }

    func targetValue(_ column: TablePlan.Column) -> String {
        let name = PostgresIdentifier.quote(column.targetName)
        if case .packedVector(let element) = encoding(column) { return Self.packedHex(name, element) }
        switch column.mapped.postgres {
        case .interval: return "round(extract(epoch FROM \(name)) * 1000000)::text"
        case .bytea: return "encode(\(name), 'hex')"
        // As the source's sessions print it: in their zone.
        case .timestampWithTimeZone: return "\(plan.sourceZone.postgresLocalTime(name))::text"
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

    var keyColumns: [TablePlan.Column] {
        plan.key.map { name in plan.columns.first { $0.sourceName == name }! }
    }

    /// Values that can be large enter a row's hash by their own MD5: the row's text would otherwise be built
    /// whole, and the source gives NULL for a string over its `max_allowed_packet`. Bytes are hashed raw, not
    /// as hex, so a value keeps its size. Text is hashed only when it is long (over `longText` bytes on both
    /// sides): MariaDB's MD5 costs about a microsecond a value, more than the short text it would shorten.
    static let longText = 1024

    func sourceHashed(_ column: TablePlan.Column) -> String {
        switch encoding(column) {
        case .bytes: return "MD5(\(MariaDBIdentifier.quote(column.sourceName)))"
        case .set, .vector, .packedVector: return "MD5(\(sourceValue(column)))"
        case .text:
            let value = sourceValue(column)
            return "IF(LENGTH(\(value)) > \(Self.longText), MD5(\(value)), \(value))"
        default: return sourceValue(column)
        }
    }

    func targetHashed(_ column: TablePlan.Column) -> String {
        switch encoding(column) {
        case .bytes: return "md5(\(PostgresIdentifier.quote(column.targetName)))"
        case .set, .vector, .packedVector: return "md5(\(targetValue(column)))"
        case .text:
            let value = targetValue(column)
            return "CASE WHEN octet_length(\(value)) > \(Self.longText) THEN md5(\(value)) ELSE \(value) END"
        default: return targetValue(column)
        }
    }
}
