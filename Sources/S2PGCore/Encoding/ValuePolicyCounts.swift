/// How often a table's values had to be changed to fit PostgreSQL, by policy (see the README).
public struct ValuePolicyCounts: Sendable, Hashable, Codable {
    /// Zero or impossible dates (`0000-00-00`, `2023-02-30`) written as NULL.
    public var invalidDatesNulled = 0
    /// Values from which NUL bytes (or JSON `\u0000` escapes) were removed.
    public var nulBytesRemoved = 0
    /// Text values whose invalid UTF-8 sequences were replaced by U+FFFD.
    public var invalidUTF8Replaced = 0

    public init() {}

    public var isZero: Bool { self == ValuePolicyCounts() }

    public static func += (lhs: inout ValuePolicyCounts, rhs: ValuePolicyCounts) {
        lhs.invalidDatesNulled += rhs.invalidDatesNulled
        lhs.nulBytesRemoved += rhs.nulBytesRemoved
        lhs.invalidUTF8Replaced += rhs.invalidUTF8Replaced
    }
}
