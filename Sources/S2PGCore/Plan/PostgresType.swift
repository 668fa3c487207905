/// A PostgreSQL column type, written the way `format_type()` prints it so that the type s2pg wants and the
/// type a target column has compare as values.
public indirect enum PostgresType: Hashable, Sendable, CustomStringConvertible {
    case smallint, integer, bigint
    case numeric(precision: Int, scale: Int)
    case real, doublePrecision
    case boolean
    case varchar(Int)
    case text
    case bytea
    case bitVarying(Int)
    case date
    case timestamp(precision: Int)
    case timestampWithTimeZone(precision: Int)
    case interval(precision: Int)
    case jsonb
    case array(PostgresType)
    /// A type s2pg does not create, read from an existing target column.
    case other(String)

    public var description: String {
        switch self {
        case .smallint: "smallint"
        case .integer: "integer"
        case .bigint: "bigint"
        case .numeric(let precision, let scale): "numeric(\(precision),\(scale))"
        case .real: "real"
        case .doublePrecision: "double precision"
        case .boolean: "boolean"
        case .varchar(let length): "character varying(\(length))"
        case .text: "text"
        case .bytea: "bytea"
        case .bitVarying(let length): "bit varying(\(length))"
        case .date: "date"
        case .timestamp(let precision): "timestamp(\(precision)) without time zone"
        case .timestampWithTimeZone(let precision): "timestamp(\(precision)) with time zone"
        case .interval(let precision): "interval(\(precision))"
        case .jsonb: "jsonb"
        case .array(let element): "\(element)[]"
        case .other(let text): text
        }
    }

    /// Reads `format_type()` output back (the types s2pg creates; anything else is `.other`).
    public init(formatType text: String) {
        if text.hasSuffix("[]") {
            self = .array(PostgresType(formatType: String(text.dropLast(2))))
            return
        }
        let simple: [String: PostgresType] = [
            "smallint": .smallint, "integer": .integer, "bigint": .bigint, "real": .real,
            "double precision": .doublePrecision, "boolean": .boolean, "text": .text, "bytea": .bytea,
            "date": .date, "jsonb": .jsonb, "timestamp without time zone": .timestamp(precision: 6),
            "timestamp with time zone": .timestampWithTimeZone(precision: 6), "interval": .interval(precision: 6),
        ]
        if let type = simple[text] {
            self = type
            return
        }
        // The rest carry a modifier: `name(n[,m])` and, for timestamps, a zone suffix.
        guard let open = text.firstIndex(of: "("), let close = text.firstIndex(of: ")"), open < close else {
            self = .other(text)
            return
        }
        let head = String(text[..<open])
        let numbers = text[text.index(after: open)..<close].split(separator: ",").compactMap { Int($0) }
        switch (head, numbers.count, String(text[text.index(after: close)...])) {
        case ("numeric", 2, ""): self = .numeric(precision: numbers[0], scale: numbers[1])
        case ("character varying", 1, ""): self = .varchar(numbers[0])
        case ("bit varying", 1, ""): self = .bitVarying(numbers[0])
        case ("timestamp", 1, " without time zone"): self = .timestamp(precision: numbers[0])
        case ("timestamp", 1, " with time zone"): self = .timestampWithTimeZone(precision: numbers[0])
        case ("interval", 1, ""): self = .interval(precision: numbers[0])
        default: self = .other(text)
        }
    }

    /// Decimal digits left of the point that every value of an integer or numeric type fits in.
    private var integerDigits: Int? {
        switch self {
        case .smallint: 5
        case .integer: 10
        case .bigint: 19
        case .numeric(let precision, let scale): precision - scale
        default: nil
        }
    }

    /// Whether a column of this type can store every value of `other` unchanged: decides between leaving
    /// a target column alone, widening it, or stopping on an incompatible change.
    public func canHold(_ other: PostgresType) -> Bool {
        if self == other { return true }
        switch (self, other) {
        case (.integer, .smallint), (.bigint, .smallint), (.bigint, .integer):
            return true
        case (.numeric(let precision, let scale), _):
            guard let digits = other.integerDigits else { return false }
            if case .numeric(_, let otherScale) = other { return precision - scale >= digits && scale >= otherScale }
            return precision - scale >= digits
        case (.doublePrecision, .real), (.doublePrecision, .smallint), (.doublePrecision, .integer),
            (.real, .smallint):
            return true
        case (.text, .varchar):
            return true
        case (.varchar(let length), .varchar(let otherLength)), (.bitVarying(let length), .bitVarying(let otherLength)):
            return length >= otherLength
        case (.timestamp(let precision), .timestamp(let otherPrecision)),
            (.timestampWithTimeZone(let precision), .timestampWithTimeZone(let otherPrecision)),
            (.interval(let precision), .interval(let otherPrecision)):
            return precision >= otherPrecision
        case (.array(let element), .array(let otherElement)):
            return element.canHold(otherElement)
        default:
            return false
        }
    }
}
