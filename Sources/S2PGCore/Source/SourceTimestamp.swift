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

    /// This instant moved by `seconds` (negative goes back), calendar-exact, microseconds kept.
    public func adding(seconds: Int) -> SourceTimestamp {
        var copy = self
        let total = Self.daysFromCivil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second + seconds
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let remainder = total - days * 86_400
        (copy.year, copy.month, copy.day) = Self.civil(fromDays: days)
        (copy.hour, copy.minute, copy.second) = (remainder / 3_600, remainder % 3_600 / 60, remainder % 60)
        return copy
    }

    /// This instant moved by `microseconds` (negative goes back).
    public func adding(microseconds: Int) -> SourceTimestamp {
        let total = microsecond + microseconds
        let seconds = total >= 0 ? total / 1_000_000 : (total - 999_999) / 1_000_000
        var moved = adding(seconds: seconds)
        moved.microsecond = total - seconds * 1_000_000
        return moved
    }

    /// Microseconds from `other` to this instant.
    public func microseconds(since other: SourceTimestamp) -> Int {
        seconds(since: other) * 1_000_000 + microsecond - other.microsecond
    }

    /// This instant cut to `digits` fractional digits (0 to 6), as a column of that precision stores it.
    public func truncated(toDigits digits: Int) -> SourceTimestamp {
        var copy = self
        let unit = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1][min(max(digits, 0), 6)]
        copy.microsecond -= microsecond % unit
        return copy
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Seconds from `other` to this instant (microseconds ignored).
    public func seconds(since other: SourceTimestamp) -> Int {
        (Self.daysFromCivil(year, month, day) - Self.daysFromCivil(other.year, other.month, other.day)) * 86_400
            + (hour - other.hour) * 3_600 + (minute - other.minute) * 60 + (second - other.second)
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
