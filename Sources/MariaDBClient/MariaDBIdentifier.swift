import ClientSupport

/// Quoting of MySQL/SingleStore identifiers and literals.
public enum MariaDBIdentifier {
    /// Wraps a name in backticks, doubling any backtick inside, so any table or column name (reserved words,
    /// spaces, mixed case) can be written into SQL.
    public static func quote(_ name: String) -> String {
        name.quotedIdentifier(with: "`")
    }

    /// A string literal for any bytes: quoted with `'`, `\` and NUL escaped (s2pg's sessions never set
    /// `NO_BACKSLASH_ESCAPES`). The connection's character set (utf8mb4) applies.
    public static func literal(_ bytes: some Sequence<UInt8>) -> String {
        var text = [UInt8(ascii: "'")]
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "'"): text += [UInt8(ascii: "'"), UInt8(ascii: "'")]
            case UInt8(ascii: "\\"): text += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0: text += [UInt8(ascii: "\\"), UInt8(ascii: "0")]
            default: text.append(byte)
            }
        }
        text.append(UInt8(ascii: "'"))
        return String(decoding: text, as: UTF8.self)
    }

    /// A hexadecimal literal (`X'00ff'`): exact for binary values.
    public static func hexLiteral(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = Array("X'".utf8)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        text.append(UInt8(ascii: "'"))
        return String(decoding: text, as: UTF8.self)
    }
}
