import MariaDBClient

/// The one place a value becomes source SQL: a stored cursor or key value (data, from the state table)
/// rendered as a literal of its column's type, so that it compares exactly like the column and can only
/// ever be a literal. A value that is not a valid value of its type is refused, never pasted.
///
/// Values are the source's own text form, except binary and BIT values, which are hexadecimal digits.
public enum SourceLiteral {
    /// Why a value was refused. Carries the type, never the value (it is row data).
    public struct Invalid: Error, Sendable {
        public var type: String
    }

    /// `value` as a literal for a column of `type`. String literals use backslash escapes, which is why
    /// every s2pg session pins `sql_mode` (see `MariaDBConnection.sessionSetup(timeZone:)`).
    public static func render(_ value: String, as type: SourceColumnType) throws(Invalid) -> String {
        let bytes = Array(value.utf8)
        let invalid = Invalid(type: type.description)
        switch type.name {
        case "tinyint", "int1", "bool", "boolean", "smallint", "int2", "mediumint", "middleint", "int3", "int",
            "int4", "bigint", "int8", "year":
            guard isInteger(bytes, signed: !type.isUnsigned) else { throw invalid }
            return value
        case "decimal", "numeric", "dec", "fixed":
            guard isDecimal(bytes) else { throw invalid }
            return value
        case "float", "float4", "double", "float8", "real":
            guard isFloat(bytes) else { throw invalid }
            return value
        case "bit":
            // BIT compares as an unsigned number; a hex string would compare as bytes.
            guard let number = hexNumber(bytes) else { throw invalid }
            return String(number)
        case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bson":
            guard let decoded = hexBytes(bytes) else { throw invalid }
            return MariaDBIdentifier.hexLiteral(decoded)
        case "date":
            guard matches(bytes, "dddd-dd-dd") else { throw invalid }
            return "'\(value)'"
        case "datetime", "timestamp":
            guard matches(bytes, "dddd-dd-dd dd:dd:dd") || isFraction(bytes, after: 19) else { throw invalid }
            return "'\(value)'"
        case "time":
            guard isTime(bytes) else { throw invalid }
            return "'\(value)'"
        case "enum":
            // ENUM sorts by member position, and compares with a number by position too; compared with a
            // string it would compare as text, in a different order than the key's.
            guard value.isEmpty || type.arguments.contains(value) else { throw invalid }
            return String(value.isEmpty ? 0 : type.arguments.firstIndex(of: value)! + 1)
        case "set":
            // SET sorts by its bit mask, likewise.
            let members = value.isEmpty ? [] : value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var mask: UInt64 = 0
            for member in members {
                guard let position = type.arguments.firstIndex(of: member), position < 64 else { throw invalid }
                mask |= 1 << UInt64(position)
            }
            return String(mask)
        default:
            return MariaDBIdentifier.literal(bytes)
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func digits(_ bytes: ArraySlice<UInt8>) -> Bool { !bytes.isEmpty && bytes.allSatisfy(isDigit) }

    private static func isInteger(_ bytes: [UInt8], signed: Bool) -> Bool {
        let body = signed && bytes.first == UInt8(ascii: "-") ? bytes.dropFirst() : bytes[...]
        return digits(body) && body.count <= 20
    }

    private static func isDecimal(_ bytes: [UInt8]) -> Bool {
        let body = bytes.first == UInt8(ascii: "-") ? bytes.dropFirst() : bytes[...]
        let parts = body.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return (parts.count == 1 || parts.count == 2) && parts.allSatisfy(digits)
    }

    private static func isFloat(_ bytes: [UInt8]) -> Bool {
        let parts = bytes.split(omittingEmptySubsequences: false) { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        guard parts.count <= 2, isDecimal(Array(parts[0])) else { return false }
        guard parts.count == 2 else { return true }
        let exponent = parts[1].first == UInt8(ascii: "-") || parts[1].first == UInt8(ascii: "+") ? parts[1].dropFirst() : parts[1]
        return digits(exponent)
    }

    /// `pattern`'s `d` is a digit, anything else itself.
    private static func matches(_ bytes: ArraySlice<UInt8>, _ pattern: String) -> Bool {
        bytes.count == pattern.utf8.count
            && zip(bytes, pattern.utf8).allSatisfy { byte, expected in expected == UInt8(ascii: "d") ? isDigit(byte) : byte == expected }
    }

    private static func matches(_ bytes: [UInt8], _ pattern: String) -> Bool { matches(bytes[...], pattern) }

    /// `bytes[..<prefix]` is a date and time and the rest `.` with one to six digits.
    private static func isFraction(_ bytes: [UInt8], after prefix: Int) -> Bool {
        guard bytes.count > prefix + 1, bytes.count <= prefix + 7, matches(bytes[..<prefix], "dddd-dd-dd dd:dd:dd") else { return false }
        return bytes[prefix] == UInt8(ascii: ".") && digits(bytes[(prefix + 1)...])
    }

    /// `[-]H:MM:SS[.ffffff]` with one to three hour digits (TIME spans -838:59:59 to 838:59:59).
    private static func isTime(_ bytes: [UInt8]) -> Bool {
        let body = bytes.first == UInt8(ascii: "-") ? bytes.dropFirst() : bytes[...]
        let pieces = body.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard pieces.count == 1 || (pieces.count == 2 && digits(pieces[1]) && pieces[1].count <= 6) else { return false }
        let parts = pieces[0].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        return parts.count == 3 && (1...3).contains(parts[0].count) && parts[1].count == 2 && parts[2].count == 2
            && parts.allSatisfy(digits)
    }

    private static func hexBytes(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count % 2 == 0 else { return nil }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count / 2)
        var index = 0
        while index < bytes.count {
            guard let high = hexDigit(bytes[index]), let low = hexDigit(bytes[index + 1]) else { return nil }
            decoded.append(high << 4 | low)
            index += 2
        }
        return decoded
    }

    private static func hexNumber(_ bytes: [UInt8]) -> UInt64? {
        guard let decoded = hexBytes(bytes), decoded.count <= 8 else { return nil }
        return decoded.reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// The stored form of a value read from the source: hex digits for binary and BIT columns, text
    /// otherwise.
    static func value(_ bytes: UnsafeRawBufferPointer, encoding: ValueEncoding) -> String {
        switch encoding {
        case .bytes, .bits:
            var text: [UInt8] = []
            text.reserveCapacity(bytes.count * 2)
            Byte.appendHex(bytes, to: &text)
            return String(decoding: text, as: UTF8.self)
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
