/// How one column's value becomes a field of PostgreSQL's binary COPY format, chosen from its mapped type.
/// Only types whose binary form is cheap to build and that PostgreSQL reads faster in binary have one
/// (measured per type with psql, docs/benchmarks.md): a table with any other column is copied as text.
public enum BinaryField: Sendable, Hashable {
    case int16, int32, int64
    /// `real` and `double precision`: the source's decimal text parsed as C's `strtof`/`strtod` do, as
    /// PostgreSQL's own input does (a FLOAT is read as the double it is, then rounded once to a float).
    case float32, float64
    /// `numeric`: base-10000 digits built from the source's decimal text.
    case numeric
    /// Text and `varchar`: the bytes themselves, NUL bytes removed, invalid UTF-8 replaced (as in text COPY).
    case text
    /// `jsonb`: version 1, then the JSON text with `\u0000` escapes removed.
    case json
    case bytes
    /// `date` and `timestamp`/`timestamptz` (read in UTC): zero and impossible dates become NULL, or
    /// `-infinity` in a key column.
    case date(key: Bool)
    case timestamp(key: Bool)
    /// TINYINT(1) as boolean: 0 is false, anything else true.
    case boolean

    /// The column's binary form; `nil` when it has none (the table is then copied as text). A TIMESTAMP read
    /// in a zone other than UTC has none: PostgreSQL turns its local time into the instant (text COPY).
    public init?(_ column: TablePlan.Column, zone: SourceZone) {
        switch column.mapped.postgres {
        case .smallint: self = .int16
        case .integer: self = .int32
        case .bigint: self = .int64
        case .numeric: self = .numeric
        case .real: self = .float32
        case .doublePrecision: self = .float64
        case .varchar, .text: self = .text
        case .jsonb: self = .json
        case .bytea: self = .bytes
        case .date: self = .date(key: column.isKey)
        case .timestamp: self = .timestamp(key: column.isKey)
        case .timestampWithTimeZone:
            guard zone == .utc else { return nil }
            self = .timestamp(key: column.isKey)
        case .boolean: self = .boolean
        case .interval, .bitVarying, .array, .other: return nil
        }
    }

    /// Every column's binary form, or `nil` if one has none.
    public static func all(of plan: TablePlan) -> [BinaryField]? {
        var fields: [BinaryField] = []
        for column in plan.columns {
            guard let field = BinaryField(column, zone: plan.sourceZone) else { return nil }
            fields.append(field)
        }
        return fields
    }

    /// Days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
    static let epochDays = 10_957
}
