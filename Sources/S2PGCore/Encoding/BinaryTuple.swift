/// One row of binary COPY data read back as text, for the reject log (which keeps a refused row's values
/// as a user would read them) and for tests of `BinaryCopyEncoder`.
struct BinaryTuple {
    let fields: [BinaryField]

    /// Each field of the tuple `bytes` as PostgreSQL would print it (`nil` for NULL); a field that is not
    /// its type's binary form, as `\x` and hexadecimal digits.
    func values(of bytes: ArraySlice<UInt8>) -> [String?] {
        var reader = Reader(bytes: Array(bytes))
        let count = Int(reader.integer(2) ?? 0)
        return (0..<count).map { index -> String? in
            guard let length = reader.integer(4), length != 0xFFFF_FFFF else { return nil }
            let value = reader.take(Int(length))
            guard index < fields.count, let text = Self.text(of: value, as: fields[index]) else { return Self.hex(value) }
            return text
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func take(_ count: Int) -> ArraySlice<UInt8> {
            let end = min(bytes.count, offset + count)
            defer { offset = end }
            return bytes[offset..<end]
        }

        mutating func integer(_ width: Int) -> UInt64? {
            let slice = take(width)
            guard slice.count == width else { return nil }
            return slice.reduce(0) { $0 << 8 | UInt64($1) }
        }
    }

    private static func text(of value: ArraySlice<UInt8>, as field: BinaryField) -> String? {
        var reader = Reader(bytes: Array(value))
        func signed(_ width: Int) -> Int64? {
            guard value.count == width, let raw = reader.integer(width) else { return nil }
            let shift = UInt64(64 - 8 * width)
            return Int64(bitPattern: raw << shift) >> Int64(shift)
        }
        switch field {
        case .int16: return signed(2).map { "\($0)" }
        case .int32: return signed(4).map { "\($0)" }
        case .int64: return signed(8).map { "\($0)" }
        case .float32: return signed(4).map { "\(Float(bitPattern: UInt32(truncatingIfNeeded: $0)))" }
        case .float64: return signed(8).map { "\(Double(bitPattern: UInt64(bitPattern: $0)))" }
        case .boolean: return value.count == 1 ? (value.first! == 0 ? "f" : "t") : nil
        case .text: return String(decoding: value, as: UTF8.self)
        case .json: return value.first == 1 ? String(decoding: value.dropFirst(), as: UTF8.self) : nil
        case .bytes: return hex(value)
        case .date:
            guard let days = signed(4) else { return nil }
            if days == Int64(Int32.min) { return "-infinity" }
            return date(Int(days) + BinaryField.epochDays)
        case .timestamp:
            guard let micros = signed(8) else { return nil }
            if micros == Int64.min { return "-infinity" }
            let (days, rest) = micros.quotientAndRemainder(dividingBy: 86_400_000_000)
            let (day, time) = rest < 0 ? (days - 1, rest + 86_400_000_000) : (days, rest)
            let seconds = time / 1_000_000
            var text = date(Int(day) + BinaryField.epochDays) + " "
                + [seconds / 3600, seconds / 60 % 60, seconds % 60].map { padded($0, 2) }.joined(separator: ":")
            if time % 1_000_000 != 0 { text += "." + padded(time % 1_000_000, 6) }
            return text
        case .numeric: return numeric(value)
        }
    }

    /// Bytes as bytea prints them: `\x` and two hexadecimal digits a byte.
    private static func hex(_ value: ArraySlice<UInt8>) -> String {
        var hex: [UInt8] = Array("\\x".utf8)
        value.withUnsafeBytes { Byte.appendHex($0, to: &hex) }
        return String(decoding: hex, as: UTF8.self)
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func date(_ daysSince1970: Int) -> String {
        let (year, month, day) = SourceTimestamp.civil(fromDays: daysSince1970)
        return "\(padded(Int64(year), 4))-\(padded(Int64(month), 2))-\(padded(Int64(day), 2))"
    }

    /// A numeric's binary form as decimal text with its display scale.
    private static func numeric(_ value: ArraySlice<UInt8>) -> String? {
        var reader = Reader(bytes: Array(value))
        guard let count = reader.integer(2), let rawWeight = reader.integer(2), let sign = reader.integer(2),
            let scale = reader.integer(2), value.count == 8 + 2 * Int(count)
        else { return nil }
        let weight = Int(Int16(bitPattern: UInt16(rawWeight)))
        let digits = (0..<Int(count)).map { _ in Int(reader.integer(2)!) }
        var integer = ""
        for position in 0...max(weight, 0) {
            let digit = position < digits.count && weight >= 0 ? digits[position] : 0
            integer += integer.isEmpty ? String(digit) : padded(Int64(digit), 4)
        }
        var fraction = ""
        var position = weight + 1
        while fraction.count < Int(scale) {
            let digit = position >= 0 && position < digits.count ? digits[position] : 0
            fraction += padded(Int64(digit), 4)
            position += 1
        }
        return (sign == 0x4000 ? "-" : "") + integer + (scale > 0 ? "." + fraction.prefix(Int(scale)) : "")
    }
}
