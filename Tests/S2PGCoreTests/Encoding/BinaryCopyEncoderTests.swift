import Testing

@testable import S2PGCore

@Suite("Binary COPY encoder")
struct BinaryCopyEncoderTests {
    /// One value's field: its length and bytes, and the policy counts.
    static func encode(_ bytes: [UInt8], as field: BinaryField) -> ([UInt8], ValuePolicyCounts) {
        var encoder = BinaryCopyEncoder(fields: [field])
        bytes.withUnsafeBytes { encoder.append($0, as: field) }
        return (encoder.output, encoder.counts)
    }

    static func encode(_ text: String, as field: BinaryField) -> [UInt8] { encode(Array(text.utf8), as: field).0 }

    /// The value read back as PostgreSQL would print it.
    static func roundTrip(_ text: String, as field: BinaryField) -> String? {
        BinaryTuple(fields: [field]).values(of: ArraySlice([0, 1] + encode(text, as: field)))[0]
    }

    @Test(
        "integers are big-endian of their column's width",
        arguments: [
            ("0", BinaryField.int16, [0, 0, 0, 2, 0, 0] as [UInt8]), ("-1", .int16, [0, 0, 0, 2, 0xFF, 0xFF]),
            ("32767", .int16, [0, 0, 0, 2, 0x7F, 0xFF]), ("258", .int32, [0, 0, 0, 4, 0, 0, 1, 2]),
            ("-2147483648", .int32, [0, 0, 0, 4, 0x80, 0, 0, 0]),
            ("9223372036854775807", .int64, [0, 0, 0, 8, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
        ])
    func integers(_ text: String, _ field: BinaryField, _ bytes: [UInt8]) {
        #expect(Self.encode(text, as: field) == bytes)
    }

    @Test(
        "a number that does not fit or parse is a field one byte too long, which PostgreSQL refuses",
        arguments: [("32768", BinaryField.int16), ("abc", .int32), ("", .int64), ("9223372036854775808", .int64), ("1e5", .numeric)])
    func malformed(_ text: String, _ field: BinaryField) {
        let output = Self.encode(text, as: field)
        let width = field == .int16 ? 2 : field == .int32 ? 4 : 8
        #expect(output == [0, 0, 0, UInt8(width + 1)] + Array(repeating: 0, count: width + 1))
    }

    @Test(
        "numeric: digit count, weight, sign, scale, base-10000 digits",
        arguments: [
            ("0", [0, 0, 0, 0, 0, 0, 0, 0] as [UInt16]), ("0.00", [0, 0, 0, 2]), ("-0.00", [0, 0, 0, 2]),
            ("12345.67", [3, 1, 0, 2, 1, 2345, 6700]), ("-12345.67", [3, 1, 0x4000, 2, 1, 2345, 6700]),
            ("10000", [1, 1, 0, 0, 1]), ("0.0001", [1, 0xFFFF, 0, 4, 1]), ("0.00001234", [1, 0xFFFE, 0, 8, 1234]),
            ("99999999999999999999", [5, 4, 0, 0, 9999, 9999, 9999, 9999, 9999]), ("007.50", [2, 0, 0, 2, 7, 5000]),
        ])
    func numeric(_ text: String, _ words: [UInt16]) {
        let expected = words.count == 8 && text == "0" ? [0, 0, 0, 0] : words
        let body = expected.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(Self.encode(text, as: .numeric) == [0, 0, 0, UInt8(body.count)] + body)
    }

    @Test(
        "values read back as PostgreSQL prints them",
        arguments: [
            ("-12345.67", BinaryField.numeric, "-12345.67"), ("0.00001234", .numeric, "0.00001234"), ("007.50", .numeric, "7.50"),
            ("2024-02-29", .date(key: false), "2024-02-29"), ("0001-01-01", .date(key: false), "0001-01-01"),
            ("1999-12-31 23:59:59.5", .timestamp(key: false), "1999-12-31 23:59:59.500000"),
            ("2000-01-01 00:00:00", .timestamp(key: false), "2000-01-01 00:00:00"),
            ("9999-12-31 23:59:59.999999", .timestamp(key: false), "9999-12-31 23:59:59.999999"),
            ("0", .boolean, "f"), ("7", .boolean, "t"), ("café\t日本", .text, "café\t日本"), (#"{"a": [1]}"#, .json, #"{"a": [1]}"#),
        ])
    func roundTrip(_ text: String, _ field: BinaryField, _ printed: String) {
        #expect(Self.roundTrip(text, as: field) == printed)
    }

    @Test(
        "floats: the IEEE bits C's strtof and strtod give the text, as PostgreSQL's input gives them",
        arguments: [
            ("1.5", BinaryField.float64, [0, 0, 0, 8, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0] as [UInt8]),
            ("-1.7976931348623157e308", .float64, [0, 0, 0, 8, 0xFF, 0xEF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
            ("16777216", .float32, [0, 0, 0, 4, 0x4B, 0x80, 0, 0]), ("0.1", .float32, [0, 0, 0, 4, 0x3D, 0xCC, 0xCC, 0xCD]),
            ("-0", .float64, [0, 0, 0, 8, 0x80, 0, 0, 0, 0, 0, 0, 0]),
        ])
    func floats(_ text: String, _ field: BinaryField, _ bytes: [UInt8]) {
        #expect(Self.encode(text, as: field) == bytes)
    }

    @Test("a float that is not a finite number, or not all of one, is refused", arguments: ["1.5x", "", "inf", "1e400", "nan"])
    func malformedFloat(_ text: String) {
        #expect(Self.encode(text, as: .float64) == [0, 0, 0, 9] + Array(repeating: 0, count: 9))
    }

    @Test("zero and impossible dates become NULL, or -infinity in a key, and are counted")
    func invalidDates() {
        for (text, field) in [("0000-00-00", BinaryField.date(key: false)), ("2023-02-30 10:00:00", .timestamp(key: false))] {
            let (output, counts) = Self.encode(Array(text.utf8), as: field)
            #expect(output == [0xFF, 0xFF, 0xFF, 0xFF])
            #expect(counts.invalidDatesNulled == 1)
        }
        #expect(Self.roundTrip("0000-00-00", as: .date(key: true)) == "-infinity")
        #expect(Self.roundTrip("0000-00-00 00:00:00", as: .timestamp(key: true)) == "-infinity")
    }

    @Test("text loses NUL bytes and invalid UTF-8 as in text COPY, counted the same")
    func textPolicies() {
        let (nul, nulCounts) = Self.encode([0x61, 0x00, 0x62], as: .text)
        #expect(nul == [0, 0, 0, 2, 0x61, 0x62])
        #expect(nulCounts.nulBytesRemoved == 1)
        let (invalid, invalidCounts) = Self.encode([0x61, 0xFF, 0x00], as: .text)
        #expect(invalid == [0, 0, 0, 4, 0x61, 0xEF, 0xBF, 0xBD])
        #expect(invalidCounts.invalidUTF8Replaced == 1 && invalidCounts.nulBytesRemoved == 1)
        let textual = CopyEncoderTests.encode([0x61, 0xFF, 0x00], as: .text).1
        #expect(textual == invalidCounts)
    }

    @Test("JSON: version 1, \\u0000 escapes dropped but an escaped backslash kept")
    func json() {
        let (output, counts) = Self.encode(Array(#"["a\u0000b","\\u0000"]"#.utf8), as: .json)
        #expect(output == [0, 0, 0, 17, 1] + Array(#"["ab","\\u0000"]"#.utf8))
        #expect(counts.nulBytesRemoved == 1)
    }

    @Test("bytes are themselves, half the size of text COPY's hex")
    func bytes() {
        #expect(Self.encode([0x00, 0xFF, 0x5C], as: .bytes).0 == [0, 0, 0, 3, 0x00, 0xFF, 0x5C])
    }

    @Test("a table is binary only when every column has a binary form")
    func format() throws {
        let plan = try TestPlan.make([("id", "bigint"), ("amount", "decimal(12,2)"), ("at", "datetime(6)")])
        #expect(CopyFormat(plan, binaryAllowed: true) == .binary([.int64, .numeric, .timestamp(key: false)]))
        #expect(CopyFormat(plan, binaryAllowed: false) == .text)
        let times = try TestPlan.make([("id", "bigint"), ("ratio", "double"), ("took", "time(6)")])
        #expect(CopyFormat(times, binaryAllowed: true) == .text)
    }
}
