import MariaDBClient

/// The hot path: source rows (text-protocol bytes) into PostgreSQL COPY text, byte by byte, into one
/// reusable buffer. No per-value `String`, `Data` or formatter.
public struct CopyEncoder {
    /// One per column; a reader sets the VECTOR columns' form once the result says which it sends.
    public var encodings: [ValueEncoding]
    /// The COPY data so far; the caller sends and clears it.
    public var output: [UInt8] = []
    public var counts = ValuePolicyCounts()
    /// Bytes of one value, for the encodings that rewrite before escaping (SET).
    private var scratch: [UInt8] = []

    public init(encodings: [ValueEncoding]) {
        self.encodings = encodings
        output.reserveCapacity(1 << 17)
    }

    /// Appends one row, followed by `ordinal` as an extra field when given (the staging table's row order).
    public mutating func append(_ row: borrowing MariaDBRow, ordinal: Int? = nil) {
        append(row, ordinal: ordinal, pieceBytes: .max) { _ in }
    }

    /// Input bytes of a large value encoded at a time, between checks of the output's size.
    static let sliceBytes = 1 << 18

    /// `append`, handing the output to `flush` (and starting it anew) whenever a value larger than
    /// `sliceBytes` has filled it past `pieceBytes`, mid-value if need be: a large row then never has to be
    /// held encoded whole. Text, bytes and everything else are cut at any byte (COPY data need not align
    /// with rows); JSON and text that is not valid UTF-8 are encoded whole first.
    public mutating func append(
        _ row: borrowing MariaDBRow, ordinal: Int?, pieceBytes: Int, flush: ([UInt8]) throws -> Void
    ) rethrows {
        for index in 0..<encodings.count {
            if index > 0 { output.append(Byte.tab) }
            if let value = row[index] {
                if value.count > Self.sliceBytes, pieceBytes < .max {
                    try appendLarge(value, as: encodings[index], pieceBytes: pieceBytes, flush: flush)
                } else {
                    append(value, as: encodings[index])
                }
            } else {
                output.append(Byte.backslash)
                output.append(Byte.letterN)
            }
        }
        if let ordinal {
            output.append(Byte.tab)
            appendDecimal(ordinal)
        }
        output.append(Byte.newline)
    }

    /// A non-negative integer in decimal, without allocating.
    private mutating func appendDecimal(_ value: Int) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            output.append(Byte.zero + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    mutating func append(_ value: UnsafeRawBufferPointer, as encoding: ValueEncoding) {
        switch encoding {
        case .number:
            output.append(contentsOf: value)
        case .text:
            appendText(value)
        case .bytes:
            appendHex(value)
        case .dateTime:
            appendDateTime(value, suffix: [])
        case .zonedDateTime(let suffix):
            appendDateTime(value, suffix: suffix)
        case .keyDateTime(let suffix):
            appendDateTime(value, suffix: suffix, invalid: Self.negativeInfinity)
        case .boolean:
            output.append(value.allSatisfy { $0 == Byte.zero } ? Byte.letterF : Byte.letterT)
        case .bits(let length):
            appendBits(value, length: length)
        case .json:
            appendJSON(value)
        case .set:
            appendSet(value)
        case .packedVector(let element):
            appendPackedVector(value, element)
        case .vector:
            // `[1,2,3]` → `{1,2,3}`: only the brackets differ.
            for byte in value {
                output.append(byte == Byte.openBracket ? Byte.openBrace : byte == Byte.closeBracket ? Byte.closeBrace : byte)
            }
        }
    }

    /// A large value in slices of `sliceBytes`, flushing the output whenever it passes `pieceBytes`: bytes
    /// and valid UTF-8 text slice by slice; anything else whole, then flushed.
    private mutating func appendLarge(
        _ value: UnsafeRawBufferPointer, as encoding: ValueEncoding, pieceBytes: Int, flush: ([UInt8]) throws -> Void
    ) rethrows {
        let sliceable = encoding == .bytes || (encoding == .text && UTF8Validation.isValid(value))
        guard sliceable else {
            append(value, as: encoding)
            if output.count >= pieceBytes { try flushOutput(pieceBytes: pieceBytes, flush) }
            return
        }
        if encoding == .bytes {
            output.append(contentsOf: [Byte.backslash, Byte.backslash, Byte.letterX])
        } else if value.contains(0) {
            counts.nulBytesRemoved += 1
        }
        var start = 0
        while start < value.count {
            let end = min(start + Self.sliceBytes, value.count)
            let slice = UnsafeRawBufferPointer(rebasing: value[start..<end])
            if encoding == .bytes {
                appendHexDigits(slice)
            } else if slice.allSatisfy({ $0 >= 0x20 && $0 != Byte.backslash }) {
                output.append(contentsOf: slice)
            } else {
                for byte in slice { appendEscaped(byte) }
            }
            start = end
            if output.count >= pieceBytes { try flushOutput(pieceBytes: pieceBytes, flush) }
        }
    }

    private mutating func flushOutput(pieceBytes: Int, _ flush: ([UInt8]) throws -> Void) rethrows {
        try Self.handOver(&output, pieceBytes: pieceBytes, flush)
    }

    /// Hands `output` to `flush` as a piece of a large row and starts it anew (both encoders').
    static func handOver(_ output: inout [UInt8], pieceBytes: Int, _ flush: ([UInt8]) throws -> Void) rethrows {
        let piece = output
        output = []
        // Room for a piece and the slice that passes it, so the buffer never grows by doubling.
        output.reserveCapacity(pieceBytes + 2 * sliceBytes + 16)
        try flush(piece)
    }

    /// What a zero or impossible date in a key column becomes.
    static let negativeInfinity = Array("-infinity".utf8)

    /// A date and time, then `suffix` (a zone); `invalid` (NULL unless given), counted, for a zero or
    /// impossible date.
    private mutating func appendDateTime(_ value: UnsafeRawBufferPointer, suffix: [UInt8], invalid: [UInt8] = [Byte.backslash, Byte.letterN]) {
        if Self.isValidDate(value) {
            output.append(contentsOf: value)
            output.append(contentsOf: suffix)
        } else {
            counts.invalidDatesNulled += 1
            output.append(contentsOf: invalid)
        }
    }

    /// COPY text escaping; NUL bytes removed; invalid UTF-8 replaced by U+FFFD.
    private mutating func appendText(_ value: UnsafeRawBufferPointer) {
        var needsWork = false
        for byte in value where byte < 0x20 || byte == Byte.backslash || byte >= 0x80 {
            needsWork = true
            break
        }
        guard needsWork else {
            output.append(contentsOf: value)
            return
        }
        if value.contains(0) { counts.nulBytesRemoved += 1 }
        if UTF8Validation.isValid(value) {
            for byte in value { appendEscaped(byte) }
        } else {
            counts.invalidUTF8Replaced += 1
            Self.repairUTF8(value) { appendEscaped($0) }
        }
    }

    /// The bytes of `value` with each invalid UTF-8 sequence replaced by U+FFFD, one at a time to `emit`.
    static func repairUTF8(_ value: UnsafeRawBufferPointer, _ emit: (UInt8) -> Void) {
        var iterator = value.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                for byte in UTF8.encode(scalar)! { emit(byte) }
            case .error:
                for byte in [0xEF, 0xBF, 0xBD] as [UInt8] { emit(byte) }
            case .emptyInput:
                return
            }
        }
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case 0: break
        case Byte.backslash: output.append(contentsOf: [Byte.backslash, Byte.backslash])
        case Byte.tab: output.append(contentsOf: [Byte.backslash, Byte.letterT])
        case Byte.newline: output.append(contentsOf: [Byte.backslash, Byte.letterLowerN])
        case Byte.carriageReturn: output.append(contentsOf: [Byte.backslash, Byte.letterR])
        default: output.append(byte)
        }
    }

    /// `\\x` then two hex digits a byte (the backslash itself escaped for COPY).
    private mutating func appendHex(_ value: UnsafeRawBufferPointer) {
        output.append(contentsOf: [Byte.backslash, Byte.backslash, Byte.letterX])
        appendHexDigits(value)
    }

    private mutating func appendHexDigits(_ value: UnsafeRawBufferPointer) {
        Byte.appendHex(value, to: &output)
    }

    /// BIT(n) arrives as ceil(n/8) big-endian bytes; PostgreSQL wants n binary digits.
    private mutating func appendBits(_ value: UnsafeRawBufferPointer, length: Int) {
        let available = value.count * 8
        for position in max(0, available - length)..<available {
            let byte = value[position / 8]
            output.append(byte & (0x80 >> UInt8(position % 8)) != 0 ? Byte.one : Byte.zero)
        }
    }

    /// JSON as text, with `\u0000` escapes dropped: jsonb cannot store U+0000.
    private mutating func appendJSON(_ value: UnsafeRawBufferPointer) {
        if Self.withoutNUL(json: value, { appendEscaped($0) }) { counts.nulBytesRemoved += 1 }
    }

    /// The bytes of JSON text without its `\u0000` escapes and NUL bytes, one at a time to `emit`; returns
    /// whether any were dropped.
    static func withoutNUL(json value: UnsafeRawBufferPointer, _ emit: (UInt8) -> Void) -> Bool {
        var removed = false
        var index = 0
        while index < value.count {
            let byte = value[index]
            if byte == Byte.backslash, index + 1 < value.count {
                if isEscapedNUL(value, at: index) {
                    removed = true
                    index += 6
                    continue
                }
                // Any other escape: both bytes as they are, so `\\u0000` (an escaped backslash) survives.
                emit(byte)
                emit(value[index + 1])
                index += 2
                continue
            }
            if byte == 0 { removed = true } else { emit(byte) }
            index += 1
        }
        return removed
    }

    private static func isEscapedNUL(_ value: UnsafeRawBufferPointer, at index: Int) -> Bool {
        guard index + 5 < value.count, value[index + 1] == UInt8(ascii: "u") else { return false }
        return (2...5).allSatisfy { value[index + $0] == Byte.zero }
    }

    /// Little-endian elements → `{e1,e2,...}`. A value that is not a whole number of elements cannot have
    /// come from a VECTOR: it is written so that PostgreSQL refuses the row, which then goes to the reject
    /// log with this reason.
    private mutating func appendPackedVector(_ value: UnsafeRawBufferPointer, _ element: VectorElement) {
        guard value.count % element.byteCount == 0 else {
            output.append(contentsOf: "packed \(element.rawValue) VECTOR of \(value.count) bytes: not a whole number of elements".utf8)
            return
        }
        output.append(Byte.openBrace)
        var offset = 0
        while offset < value.count {
            if offset > 0 { output.append(Byte.comma) }
            output.append(contentsOf: element.text(value, at: offset).utf8)
            offset += element.byteCount
        }
        output.append(Byte.closeBrace)
    }

    /// `a,b` → `{"a","b"}` (SET members cannot contain commas), then COPY-escaped.
    private mutating func appendSet(_ value: UnsafeRawBufferPointer) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(Byte.openBrace)
        if !value.isEmpty {
            scratch.append(Byte.quote)
            for byte in value {
                switch byte {
                case Byte.comma: scratch.append(contentsOf: [Byte.quote, Byte.comma, Byte.quote])
                case Byte.quote, Byte.backslash: scratch.append(contentsOf: [Byte.backslash, byte])
                default: scratch.append(byte)
                }
            }
            scratch.append(Byte.quote)
        }
        scratch.append(Byte.closeBrace)
        scratch.withUnsafeBytes { appendText($0) }
    }

    /// A DATE/DATETIME/TIMESTAMP text whose date part PostgreSQL accepts: year 1 or later, a real month and
    /// day. MySQL stores `0000-00-00` and, depending on its SQL mode, `2023-02-00` or `2023-02-31`.
    static func isValidDate(_ value: UnsafeRawBufferPointer) -> Bool {
        date(value) != nil
    }

    /// The year, month and day of a date PostgreSQL accepts (see `isValidDate`), else `nil`.
    @inline(__always)
    static func date(_ value: UnsafeRawBufferPointer) -> (year: Int, month: Int, day: Int)? {
        guard value.count >= 10, value[4] == Byte.dash, value[7] == Byte.dash else { return nil }
        var malformed = false
        func digit(_ index: Int) -> Int {
            let digit = Int(value[index]) &- Int(Byte.zero)
            if digit < 0 || digit > 9 { malformed = true }
            return digit
        }
        let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
        let month = digit(5) * 10 + digit(6)
        let day = digit(8) * 10 + digit(9)
        guard !malformed, year >= 1, (1...12).contains(month), day >= 1, day <= SourceTimestamp.days(in: month, of: year) else { return nil }
        return (year, month, day)
    }
}

/// ASCII bytes the encoder writes.
enum Byte {
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let backslash = UInt8(ascii: "\\")
    static let quote = UInt8(ascii: "\"")
    static let comma = UInt8(ascii: ",")
    static let dash = UInt8(ascii: "-")
    static let zero = UInt8(ascii: "0")
    static let one = UInt8(ascii: "1")
    static let letterN = UInt8(ascii: "N")
    static let letterLowerN = UInt8(ascii: "n")
    static let letterT = UInt8(ascii: "t")
    static let letterF = UInt8(ascii: "f")
    static let letterX = UInt8(ascii: "x")
    static let letterR = UInt8(ascii: "r")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Two lowercase hex digits a byte.
    static func appendHex(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        for byte in bytes {
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        }
    }
}
