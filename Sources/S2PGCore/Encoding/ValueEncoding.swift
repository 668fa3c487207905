/// How one column's text-protocol bytes become a COPY text field: chosen once per column from its mapped
/// type, then applied to every value by `CopyEncoder`.
public enum ValueEncoding: Sendable, Hashable {
    /// Digits, signs, points and exponents (integers, decimals, floats, TIME, YEAR): copied as they are.
    case number
    /// Text: COPY escapes, NUL bytes removed, invalid UTF-8 replaced.
    case text
    /// `bytea` in hex.
    case bytes
    /// DATE, DATETIME, TIMESTAMP: zero and impossible dates become NULL.
    case dateTime
    /// TIMESTAMP read in a session zone other than UTC (see `SourceZone`): as `dateTime`, followed by the
    /// zone, so that PostgreSQL turns the local time into the instant.
    case zonedDateTime(suffix: [UInt8])
    /// DATE, DATETIME, TIMESTAMP in a key column, then `suffix` (a zone, or none): a key cannot be NULL, so a
    /// zero or impossible date becomes `-infinity`, which PostgreSQL's date and timestamp types hold.
    case keyDateTime(suffix: [UInt8])
    /// TINYINT(1) as boolean: 0 is false, anything else true.
    case boolean
    /// BIT(n) bytes as n binary digits.
    case bits(Int)
    /// JSON text: as text, and `\u0000` escapes removed (jsonb cannot hold them).
    case json
    /// SET `a,b` → `{"a","b"}`.
    case set
    /// VECTOR in its JSON form, `[1,2]` → `{1,2}`.
    case vector(VectorElement)
    /// VECTOR packed, its elements little-endian one after another (see `VectorElement`) → `{1,2}`.
    case packedVector(VectorElement)

    /// The encoding of `column` as the result reads it: a VECTOR in a column of the binary character set is
    /// packed; a TIMESTAMP comes in the sessions' zone.
    public init(_ column: TablePlan.Column, resultIsBinary: Bool, zone: SourceZone) {
        self.init(column)
        if case .vector(let element) = self, resultIsBinary { self = .packedVector(element) }
        if case .timestampWithTimeZone = column.mapped.postgres, let suffix = zone.copySuffix {
            self = column.isKey ? .keyDateTime(suffix: suffix) : .zonedDateTime(suffix: suffix)
        }
    }

    public init(_ column: TablePlan.Column) {
        switch column.mapped.postgres {
        case .smallint, .integer, .bigint, .numeric, .real, .doublePrecision, .interval: self = .number
        case .bytea: self = .bytes
        case .date, .timestamp, .timestampWithTimeZone: self = column.isKey ? .keyDateTime(suffix: []) : .dateTime
        case .boolean: self = .boolean
        case .bitVarying(let length): self = .bits(length)
        case .jsonb: self = .json
        case .array(.text): self = .set
        case .array: self = .vector(VectorElement(column.sourceType))
        case .varchar, .text, .other: self = .text
        }
    }
}
