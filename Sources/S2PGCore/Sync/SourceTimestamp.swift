/// A DATETIME/TIMESTAMP value exactly as the source writes it: `YYYY-MM-DD HH:MM:SS[.ffffff]`, to the
/// microsecond, with no time zone attached and no floating point anywhere.
public struct SourceTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year, month, day, hour, minute, second, microsecond: Int

    /// Parses the source's text form; `nil` for anything else or an impossible date.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 19 || (bytes.count >= 21 && bytes.count <= 26 && bytes[19] == UInt8(ascii: ".")) else {
            return nil
        }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        let separators: [(Int, Character)] = [(4, "-"), (7, "-"), (10, " "), (13, ":"), (16, ":")]
        guard separators.allSatisfy({ bytes[$0.0] == $0.1.asciiValue! }),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var microsecond = 0
        if bytes.count > 19 {
            let digits = bytes.count - 20
            guard let fraction = number(20..<bytes.count) else { return nil }
            microsecond = fraction * [100_000, 10_000, 1_000, 100, 10, 1][digits - 1]
        }
        guard (1...12).contains(month), (1...Self.days(in: month, of: year)).contains(day), hour < 24, minute < 60,
            second < 60
        else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
        (self.hour, self.minute, self.second, self.microsecond) = (hour, minute, second, microsecond)
    }

    static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff`, the form the source accepts back in a literal.
    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2)) "
            + "\(padded(hour, 2)):\(padded(minute, 2)):\(padded(second, 2)).\(padded(microsecond, 6))"
    }

    public static func < (lhs: SourceTimestamp, rhs: SourceTimestamp) -> Bool {
        // The standard library compares tuples of at most six elements.
        (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute, lhs.second * 1_000_000 + lhs.microsecond)
            < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute, rhs.second * 1_000_000 + rhs.microsecond)
    }
}
