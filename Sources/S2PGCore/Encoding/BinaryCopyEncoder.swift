import MariaDBClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hot path in PostgreSQL's binary COPY format: source rows (text-protocol bytes) into tuples of
/// big-endian fields, so that the COPY backend copies numbers, dates and text instead of parsing and
/// unescaping them. The value policies are `CopyEncoder`'s, counted the same; a value that is not what its
/// type promises (a number that does not parse) is written so that PostgreSQL refuses the row (SQLSTATE
/// 22P03), which then goes to the reject log like any refused row.
public struct BinaryCopyEncoder {
    public let fields: [BinaryField]
    /// The COPY data so far; the caller sends and clears it.
    public var output: [UInt8] = []
    public var counts = ValuePolicyCounts()

    /// What a binary COPY's data begins with: the signature, no flags, no header extension.
    public static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0, 0, 0, 0, 0]
    /// What it ends with: a field count of -1.
    public static let trailer: [UInt8] = [0xFF, 0xFF]

    public init(fields: [BinaryField]) {
        self.fields = fields
        output.reserveCapacity(1 << 17)
    }

    /// Appends one row; as `CopyEncoder`'s, hands the output to `flush` whenever a value larger than
    /// `CopyEncoder.sliceBytes` has filled it past `pieceBytes`. Bytes and valid UTF-8 text without NUL
    /// bytes are cut at any byte; anything else is encoded whole first (its length precedes it).
    public mutating func append(
        _ row: borrowing MariaDBRow, pieceBytes: Int, flush: ([UInt8]) throws -> Void
    ) rethrows {
        appendBigEndian(UInt16(fields.count))
        for index in 0..<fields.count {
            guard let value = row[index] else {
                appendBigEndian(UInt32.max)
                continue
            }
            if value.count > CopyEncoder.sliceBytes, pieceBytes < .max {
                try appendLarge(value, as: fields[index], pieceBytes: pieceBytes, flush: flush)
            } else {
                append(value, as: fields[index])
            }
        }
    }

    mutating func append(_ value: UnsafeRawBufferPointer, as field: BinaryField) {
        switch field {
        case .int16:
            guard let number = Self.integer(value), let narrow = Int16(exactly: number) else { return appendMalformed(2) }
            appendBigEndian(UInt32(2))
            appendBigEndian(UInt16(bitPattern: narrow))
        case .int32:
            guard let number = Self.integer(value), let narrow = Int32(exactly: number) else { return appendMalformed(4) }
            appendBigEndian(UInt32(4))
            appendBigEndian(UInt32(bitPattern: narrow))
        case .int64:
            guard let number = Self.integer(value) else { return appendMalformed(8) }
            appendBigEndian(UInt32(8))
            appendBigEndian(UInt64(bitPattern: number))
        case .float32:
            guard let number = Self.float(value, strtof) else { return appendMalformed(4) }
            appendBigEndian(UInt32(4))
            appendBigEndian(number.bitPattern)
        case .float64:
            guard let number = Self.float(value, strtod) else { return appendMalformed(8) }
            appendBigEndian(UInt32(8))
            appendBigEndian(number.bitPattern)
        case .numeric:
            appendNumeric(value)
        case .text:
            let start = beginField()
            appendText(value)
            endField(start)
        case .json:
            let start = beginField()
            output.append(1)
            appendJSON(value)
            endField(start)
        case .bytes:
            appendBigEndian(UInt32(value.count))
            output.append(contentsOf: value)
        case .date(let key):
            guard let days = Self.days(value) else { return appendInvalidDate(key: key, bytes: 4) }
            appendBigEndian(UInt32(4))
            appendBigEndian(UInt32(bitPattern: Int32(days - BinaryField.epochDays)))
        case .timestamp(let key):
            guard let days = Self.days(value) else { return appendInvalidDate(key: key, bytes: 8) }
            guard let micros = Self.microseconds(ofTimeIn: value) else { return appendMalformed(8) }
            appendBigEndian(UInt32(8))
            appendBigEndian(UInt64(bitPattern: Int64(days - BinaryField.epochDays) * 86_400_000_000 + micros))
        case .boolean:
            appendBigEndian(UInt32(1))
            output.append(value.allSatisfy { $0 == Byte.zero } ? 0 : 1)
        }
    }

    /// A large value in slices of `CopyEncoder.sliceBytes`, flushing the output whenever it passes
    /// `pieceBytes`: bytes, and valid UTF-8 text without NUL bytes, slice by slice; anything else whole.
    private mutating func appendLarge(
        _ value: UnsafeRawBufferPointer, as field: BinaryField, pieceBytes: Int, flush: ([UInt8]) throws -> Void
    ) rethrows {
        let sliceable = field == .bytes || (field == .text && !value.contains(0) && UTF8Validation.isValid(value))
        if sliceable {
            appendBigEndian(UInt32(value.count))
            var start = 0
            while start < value.count {
                let end = min(start + CopyEncoder.sliceBytes, value.count)
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: value[start..<end]))
                start = end
                if output.count >= pieceBytes { try flushOutput(pieceBytes: pieceBytes, flush) }
            }
        } else {
            append(value, as: field)
            if output.count >= pieceBytes { try flushOutput(pieceBytes: pieceBytes, flush) }
        }
    }

    private mutating func flushOutput(pieceBytes: Int, _ flush: ([UInt8]) throws -> Void) rethrows {
        try CopyEncoder.handOver(&output, pieceBytes: pieceBytes, flush)
    }

    // MARK: Fields

    /// Byte by byte, most significant first: measured faster than appending the value's bytes as a buffer
    /// (a generic call per field header, 17% of a reload's CPU in s2pg).
    @inline(__always)
    private mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        var shift = T.bitWidth - 8
        while shift >= 0 {
            output.append(UInt8(truncatingIfNeeded: value >> shift))
            shift -= 8
        }
    }

    /// A field whose length is known once it is written: room for the length, filled in by `endField`.
    private mutating func beginField() -> Int {
        appendBigEndian(UInt32(0))
        return output.count
    }

    private mutating func endField(_ start: Int) {
        let length = UInt32(output.count - start).bigEndian
        withUnsafeBytes(of: length) { bytes in
            for offset in 0..<4 { output[start - 4 + offset] = bytes[offset] }
        }
    }

    /// A field one byte longer than its type's: PostgreSQL refuses it ("incorrect binary data format").
    private mutating func appendMalformed(_ width: Int) {
        appendBigEndian(UInt32(width + 1))
        output.append(contentsOf: repeatElement(0, count: width + 1))
    }

    /// NULL for a zero or impossible date, counted; `-infinity` in a key column (which cannot be NULL).
    private mutating func appendInvalidDate(key: Bool, bytes: Int) {
        counts.invalidDatesNulled += 1
        guard key else { return appendBigEndian(UInt32.max) }
        appendBigEndian(UInt32(bytes))
        if bytes == 4 { appendBigEndian(UInt32(bitPattern: Int32.min)) } else { appendBigEndian(UInt64(bitPattern: Int64.min)) }
    }

    /// Text as it is, NUL bytes removed and invalid UTF-8 replaced by U+FFFD (PostgreSQL refuses both).
    private mutating func appendText(_ value: UnsafeRawBufferPointer) {
        var plain = true
        for byte in value where byte == 0 || byte >= 0x80 {
            plain = false
            break
        }
        if plain {
            output.append(contentsOf: value)
            return
        }
        let hasNUL = value.contains(0)
        if hasNUL { counts.nulBytesRemoved += 1 }
        if UTF8Validation.isValid(value) {
            if hasNUL { output.append(contentsOf: value.lazy.filter { $0 != 0 }) } else { output.append(contentsOf: value) }
            return
        }
        counts.invalidUTF8Replaced += 1
        CopyEncoder.repairUTF8(value) { if $0 != 0 { output.append($0) } }
    }

    /// JSON text with `\u0000` escapes and NUL bytes dropped (jsonb cannot store U+0000).
    private mutating func appendJSON(_ value: UnsafeRawBufferPointer) {
        guard value.contains(where: { $0 == Byte.backslash || $0 == 0 }) else {
            output.append(contentsOf: value)
            return
        }
        if CopyEncoder.withoutNUL(json: value, { output.append($0) }) { counts.nulBytesRemoved += 1 }
    }

    /// A decimal's text (`-123.4500`) as PostgreSQL's numeric: digit count, weight (of the first digit, in
    /// powers of 10,000), sign, display scale (the digits after the point), then base-10,000 digits.
    private mutating func appendNumeric(_ value: UnsafeRawBufferPointer) {
        let count = value.count
        var index = 0
        var negative = false
        if index < count, value[index] == UInt8(ascii: "-") || value[index] == UInt8(ascii: "+") {
            negative = value[index] == UInt8(ascii: "-")
            index += 1
        }
        let integerStart = index
        while index < count, Self.isDigit(value[index]) { index += 1 }
        let integerEnd = index
        var fractionStart = index
        if index < count, value[index] == UInt8(ascii: ".") {
            index += 1
            fractionStart = index
            while index < count, Self.isDigit(value[index]) { index += 1 }
        }
        let fractionEnd = index
        guard index == count, integerEnd > integerStart || fractionEnd > fractionStart, fractionEnd - fractionStart <= 0x3FFF else {
            return appendMalformed(8)
        }
        var first = integerStart
        while first < integerEnd, value[first] == Byte.zero { first += 1 }
        let integerDigits = integerEnd - first
        let integerGroups = (integerDigits + 3) / 4
        let groups = integerGroups + (fractionEnd - fractionStart + 3) / 4
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: max(groups, 1)) { digits in
            var filled = 0
            var group = 0
            var inGroup = 0
            // The first integer group holds what is left over from groups of four, counted from the point.
            var groupLength = integerDigits % 4 == 0 ? 4 : integerDigits % 4
            for position in first..<integerEnd {
                group = group * 10 + Int(value[position] - Byte.zero)
                inGroup += 1
                if inGroup == groupLength {
                    digits[filled] = UInt16(group)
                    filled += 1
                    (group, inGroup, groupLength) = (0, 0, 4)
                }
            }
            for position in fractionStart..<fractionEnd {
                group = group * 10 + Int(value[position] - Byte.zero)
                inGroup += 1
                if inGroup == 4 {
                    digits[filled] = UInt16(group)
                    filled += 1
                    (group, inGroup) = (0, 0)
                }
            }
            if inGroup > 0 {
                for _ in inGroup..<4 { group *= 10 }
                digits[filled] = UInt16(group)
                filled += 1
            }
            // Zero groups before the first and after the last digit are implied by the weight and scale.
            var lead = 0
            while lead < filled, digits[lead] == 0 { lead += 1 }
            var end = filled
            while end > lead, digits[end - 1] == 0 { end -= 1 }
            let weight = lead == end ? 0 : integerGroups - 1 - lead
            appendBigEndian(UInt32(8 + 2 * (end - lead)))
            appendBigEndian(UInt16(end - lead))
            appendBigEndian(UInt16(bitPattern: Int16(weight)))
            appendBigEndian(UInt16(negative && lead < end ? 0x4000 : 0))
            appendBigEndian(UInt16(fractionEnd - fractionStart))
            for position in lead..<end { appendBigEndian(digits[position]) }
        }
    }

    // MARK: Parsing the source's text

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= Byte.zero && byte <= Byte.zero + 9 }

    /// An optionally signed decimal integer; `nil` if it is not one or does not fit 64 bits.
    static func integer(_ value: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        let negative = value.first == UInt8(ascii: "-")
        if negative || value.first == UInt8(ascii: "+") { index = 1 }
        guard index < value.count else { return nil }
        var result: Int64 = 0
        while index < value.count {
            let byte = value[index]
            guard isDigit(byte) else { return nil }
            let (shifted, overflowShift) = result.multipliedReportingOverflow(by: 10)
            let digit = Int64(byte - Byte.zero)
            let (next, overflowAdd) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflowShift, !overflowAdd else { return nil }
            result = next
            index += 1
        }
        return result
    }

    /// The number a float's text spells, by `parse` (`strtof` or `strtod`, in the C locale s2pg runs in);
    /// `nil` unless all of it is a finite number (MySQL has no NaN or infinity).
    static func float<T: BinaryFloatingPoint>(
        _ value: UnsafeRawBufferPointer, _ parse: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> T
    ) -> T? {
        guard !value.isEmpty, value.count < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: value.count + 1) { text -> T? in
            for index in 0..<value.count { text[index] = CChar(bitPattern: value[index]) }
            text[value.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let number = parse(text.baseAddress!, &end)
            guard end == text.baseAddress! + value.count, number.isFinite else { return nil }
            return number
        }
    }

    /// Days since 1970-01-01 of a `YYYY-MM-DD...` that PostgreSQL accepts (`CopyEncoder.isValidDate`).
    private static func days(_ value: UnsafeRawBufferPointer) -> Int? {
        CopyEncoder.date(value).map { SourceTimestamp.daysFromCivil($0.year, $0.month, $0.day) }
    }

    /// Microseconds into the day of `YYYY-MM-DD HH:MM:SS[.ffffff]`; `nil` if the time is malformed.
    static func microseconds(ofTimeIn value: UnsafeRawBufferPointer) -> Int64? {
        guard value.count >= 19, value[10] == UInt8(ascii: " ") || value[10] == UInt8(ascii: "T"),
            value[13] == UInt8(ascii: ":"), value[16] == UInt8(ascii: ":")
        else { return nil }
        var malformed = false
        func digit(_ index: Int) -> Int64 {
            let digit = Int64(value[index]) &- Int64(Byte.zero)
            if digit < 0 || digit > 9 { malformed = true }
            return digit
        }
        let hour = digit(11) * 10 + digit(12)
        let minute = digit(14) * 10 + digit(15)
        let second = digit(17) * 10 + digit(18)
        var fraction: Int64 = 0
        if value.count > 19 {
            let digits = value.count - 20
            guard value[19] == UInt8(ascii: "."), (1...6).contains(digits) else { return nil }
            for index in 20..<value.count { fraction = fraction * 10 + digit(index) }
            for _ in digits..<6 { fraction *= 10 }
        }
        guard !malformed, hour < 24, minute < 60, second < 60 else { return nil }
        return ((hour * 60 + minute) * 60 + second) * 1_000_000 + fraction
    }
}
