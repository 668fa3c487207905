/// PostgreSQL's COPY text format, written byte by byte.
public enum COPYText {
    /// Appends `bytes` as one COPY text field: backslash, tab, newline and carriage return are escaped so a
    /// value can never break a row or a column apart, and a value that reads `\N` stays a string.
    public static func appendField(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + bytes.count)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: output.append(byte)
            }
        }
    }

    /// Appends SQL NULL (`\N`).
    public static func appendNull(to output: inout [UInt8]) {
        output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
    }

    /// Appends one row: fields separated by tabs, ended by a newline.
    public static func appendRow(_ fields: [[UInt8]?], to output: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "\t")) }
            if let field {
                field.withUnsafeBytes { appendField($0, to: &output) }
            } else {
                appendNull(to: &output)
            }
        }
        output.append(UInt8(ascii: "\n"))
    }
}
