import MariaDBClient
import Testing

@testable import S2PGCore

@Suite("COPY encoder")
struct CopyEncoderTests {
    static func encode(_ bytes: [UInt8], as encoding: ValueEncoding) -> (String, ValuePolicyCounts) {
        var encoder = CopyEncoder(encodings: [encoding])
        bytes.withUnsafeBytes { encoder.append($0, as: encoding) }
        return (String(decoding: encoder.output, as: UTF8.self), encoder.counts)
    }

    static func encode(_ text: String, as encoding: ValueEncoding) -> (String, ValuePolicyCounts) {
        encode(Array(text.utf8), as: encoding)
    }

    @Test(
        "text is escaped for COPY and passes through otherwise",
        arguments: [
            ("plain", "plain"), ("tab\there", #"tab\there"#), ("new\nline", #"new\nline"#), ("cr\rlf", #"cr\rlf"#),
            (#"back\slash"#, #"back\\slash"#), (#"\N"#, #"\\N"#), ("café 日本 🎉", "café 日本 🎉"), ("", ""),
        ])
    func text(_ value: String, _ encoded: String) {
        let (output, counts) = Self.encode(value, as: .text)
        #expect(output == encoded)
        #expect(counts.isZero)
    }

    @Test("NUL bytes are removed from text and counted; the rest survives")
    func nulBytes() {
        let (output, counts) = Self.encode([0x61, 0x00, 0x62, 0x00, 0x63], as: .text)
        #expect(output == "abc")
        #expect(counts.nulBytesRemoved == 1)
    }

    @Test(
        "invalid UTF-8 is replaced by U+FFFD and counted",
        arguments: [
            ([0x61, 0xFF, 0x62] as [UInt8], "a\u{FFFD}b"), ([0xC3, 0x28], "\u{FFFD}("), ([0xE2, 0x82], "\u{FFFD}"),
            ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"), ([0xC0, 0xAF], "\u{FFFD}\u{FFFD}"),
            ([0x61, 0x09, 0xFE], "a\\t\u{FFFD}"),
        ])
    func invalidUTF8(_ bytes: [UInt8], _ encoded: String) {
        let (output, counts) = Self.encode(bytes, as: .text)
        #expect(output == encoded)
        #expect(counts.invalidUTF8Replaced == 1)
    }

    @Test("bytea is hex with the backslash escaped for COPY")
    func bytes() {
        #expect(Self.encode([0x00, 0xFF, 0x10], as: .bytes).0 == #"\\x00ff10"#)
        #expect(Self.encode([], as: .bytes).0 == #"\\x"#)
    }

    @Test(
        "zero and impossible dates become NULL and are counted; real ones pass",
        arguments: [
            ("2024-02-29", true), ("2025-10-01 12:00:00.123456", true), ("0001-01-01", true), ("9999-12-31 23:59:59", true),
            ("0000-00-00", false), ("0000-00-00 00:00:00", false), ("2023-02-00", false), ("2023-00-10", false),
            ("2023-02-30", false), ("2023-02-29 10:00:00", false), ("0000-01-01", false),
        ])
    func dates(_ value: String, _ valid: Bool) {
        let (output, counts) = Self.encode(value, as: .dateTime)
        #expect(output == (valid ? value : #"\N"#))
        #expect(counts.invalidDatesNulled == (valid ? 0 : 1))
        // In a key column, which cannot be NULL: -infinity, counted the same.
        let (key, keyCounts) = Self.encode(value, as: .keyDateTime(suffix: []))
        #expect(key == (valid ? value : "-infinity"))
        #expect(keyCounts.invalidDatesNulled == (valid ? 0 : 1))
    }

    @Test("BIT(n) bytes become n binary digits", arguments: [
        ([0x02, 0xAA] as [UInt8], 10, "1010101010"), ([0x01], 1, "1"), ([0x00], 1, "0"), ([0x00, 0x00, 0x01, 0x00], 32, "00000000000000000000000100000000"),
    ])
    func bits(_ bytes: [UInt8], _ length: Int, _ encoded: String) {
        #expect(Self.encode(bytes, as: .bits(length)).0 == encoded)
    }

    @Test("TINYINT(1) as boolean: 0 is false, anything else true", arguments: [("0", "f"), ("1", "t"), ("-128", "t"), ("2", "t")])
    func boolean(_ value: String, _ encoded: String) {
        #expect(Self.encode(value, as: .boolean).0 == encoded)
    }

    @Test("JSON loses only its \\u0000 escapes; other escapes and escaped backslashes survive")
    func json() {
        let (output, counts) = Self.encode(#"{"a": "x\u0000y", "b": "line\nnext", "c": "\\u0000"}"#, as: .json)
        #expect(output == #"{"a": "xy", "b": "line\\nnext", "c": "\\\\u0000"}"#)
        #expect(counts.nulBytesRemoved == 1)
        #expect(Self.encode(#"{"a": 1}"#, as: .json).1.isZero)
    }

    @Test("SET becomes a text[] literal", arguments: [("read,write", #"{"read","write"}"#), ("", "{}"), (#"a"b"#, #"{"a\\"b"}"#), ("x", #"{"x"}"#)])
    func set(_ value: String, _ encoded: String) {
        #expect(Self.encode(value, as: .set).0 == encoded)
    }

    @Test("VECTOR becomes an array literal")
    func vector() {
        #expect(Self.encode("[0.45,0.55,-1e-3]", as: .vector(.f32)).0 == "{0.45,0.55,-1e-3}")
    }

    @Test("numbers pass through unchanged", arguments: ["-9223372036854775808", "18446744073709551615", "12.50", "-1.7976931348623157e308", "-838:59:59.000000"])
    func numbers(_ value: String) {
        #expect(Self.encode(value, as: .number).0 == value)
    }

    @Test("the UTF-8 validator accepts exactly RFC 3629", arguments: [
        ([0x41] as [UInt8], true), ([0xC3, 0xA9], true), ([0xE6, 0x97, 0xA5], true), ([0xF0, 0x9F, 0x8E, 0x89], true),
        ([0xF4, 0x8F, 0xBF, 0xBF], true), ([0xF4, 0x90, 0x80, 0x80], false), ([0xC1, 0xBF], false),
        ([0xE0, 0x80, 0x80], false), ([0xED, 0xA0, 0x80], false), ([0x80], false), ([0xE6, 0x97], false),
    ])
    func validator(_ bytes: [UInt8], _ valid: Bool) {
        #expect(bytes.withUnsafeBytes { UTF8Validation.isValid($0) } == valid)
    }
}

@Suite("COPY encoder, large values in pieces")
struct CopyEncoderPiecesTests {
    /// A one-row `MariaDBRow` over `values`, laid out as Connector/C lays a row out.
    static func withRow<T>(_ values: [[UInt8]?], _ body: (borrowing MariaDBRow) throws -> T) rethrows -> T {
        let pointers = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: values.count)
        let lengths = UnsafeMutablePointer<UInt>.allocate(capacity: values.count)
        defer {
            for index in values.indices { pointers[index]?.deallocate() }
            pointers.deallocate()
            lengths.deallocate()
        }
        for (index, value) in values.enumerated() {
            if let value {
                let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, value.count))
                UnsafeMutableRawBufferPointer(start: buffer, count: value.count).copyBytes(from: value)
                pointers[index] = buffer
            } else {
                pointers[index] = nil
            }
            lengths[index] = UInt(value?.count ?? 0)
        }
        return try body(MariaDBRow(values: pointers, lengths: lengths, count: values.count))
    }

    static let encodings: [ValueEncoding] = [.number, .bytes, .text, .text, .json]
    static let values: [[UInt8]?] = [
        Array("42".utf8),
        (0..<1_500_000).map { UInt8(truncatingIfNeeded: $0 &* 7) },
        Array(String(repeating: "tab\there é\\ new\nline ", count: 50_000).utf8) + [0],
        Array(repeating: 0x61, count: 400_000) + [0xFF] + Array(repeating: 0x62, count: 400_000),
        Array(("{\"k\": \"" + String(repeating: "v", count: 600_000) + "\\u0000\"}").utf8),
    ]

    @Test("a large row cut into pieces encodes to exactly the bytes of the whole, each piece bounded, counts the same")
    func piecesEqualTheWhole() throws {
        let pieceBytes = 1 << 20
        let (whole, wholeCounts) = Self.withRow(Self.values) { row in
            var encoder = CopyEncoder(encodings: Self.encodings)
            encoder.append(row, ordinal: 7)
            return (encoder.output, encoder.counts)
        }
        var pieces: [[UInt8]] = []
        let (tail, counts) = Self.withRow(Self.values) { row in
            var encoder = CopyEncoder(encodings: Self.encodings)
            encoder.append(row, ordinal: 7, pieceBytes: pieceBytes) { pieces.append($0) }
            return (encoder.output, encoder.counts)
        }
        #expect(pieces.count >= 4)
        // Bytes and valid text are cut slice by slice; JSON and invalid UTF-8 are encoded whole, then flushed.
        let wholeValues = 2 * (Self.values[3]!.count + Self.values[4]!.count)
        #expect(pieces.prefix(3).allSatisfy { $0.count <= pieceBytes + 2 * CopyEncoder.sliceBytes })
        #expect(pieces.allSatisfy { $0.count <= pieceBytes + wholeValues })
        #expect(pieces.joined() + tail == whole)
        #expect(counts == wholeCounts)
        #expect(counts.nulBytesRemoved == 2)
        #expect(counts.invalidUTF8Replaced == 1)
    }
}

/// Packed VECTOR values as SingleStore 8.7+ sends them (little-endian elements, see `VectorElement` for the
/// recorded sources): decoded into PostgreSQL array text that reads back the exact values.
@Suite("COPY encoder, packed vectors")
struct PackedVectorTests {
    static func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { value in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    }

    @Test(
        "each element type, little-endian",
        arguments: [
            // The issue's own example: VECTOR(2, I32) [1,2] is 01 00 00 00 02 00 00 00.
            (VectorElement.i32, [0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00] as [UInt8], "{1,2}"),
            (.i8, [0x01, 0xFF, 0x80, 0x7F], "{1,-1,-128,127}"),
            (.i16, bytes([Int16.min, -4, 8, Int16.max]), "{-32768,-4,8,32767}"),
            (.i32, bytes([Int32.min, -1, Int32.max]), "{-2147483648,-1,2147483647}"),
            (.i64, bytes([Int64.min, 0, Int64.max]), "{-9223372036854775808,0,9223372036854775807}"),
            // singlestoredb-python tests/test.sql's f32_vectors row 1, packed as float32.
            (.f32, bytes([Float(0.267261237), 0.534522474, 0.801783681].map(\.bitPattern)), "{0.26726124,0.5345225,0.8017837}"),
            (.f64, bytes([0.267261237, -0.565685451, 1e-300].map(\.bitPattern)), "{0.267261237,-0.565685451,1e-300}"),
            // Half floats: 1.0, -2.0, 65504 (the largest), 2^-24 (the smallest subnormal), infinity.
            (.f16, bytes([0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00] as [UInt16]), "{1.0,-2.0,65504.0,5.9604645e-08,Infinity}"),
            (.f32, [], "{}"),
        ])
    func decodes(_ element: VectorElement, _ packed: [UInt8], _ expected: String) {
        #expect(CopyEncoderTests.encode(packed, as: .packedVector(element)).0 == expected)
    }

    @Test("floats print so that real and double precision parse back the very same value")
    func floatsRoundTrip() {
        for value in [Float(0.1), .pi, .ulpOfOne, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -1e-30] {
            let text = CopyEncoderTests.encode(Self.bytes([value.bitPattern]), as: .packedVector(.f32)).0
            #expect(Float(text.dropFirst().dropLast()) == value, "\(text)")
        }
    }

    @Test("a value that is not a whole number of elements is written so that PostgreSQL refuses the row, saying why")
    func malformed() {
        let text = CopyEncoderTests.encode([1, 2, 3], as: .packedVector(.i32)).0
        #expect(text == "packed I32 VECTOR of 3 bytes: not a whole number of elements")
    }
}
