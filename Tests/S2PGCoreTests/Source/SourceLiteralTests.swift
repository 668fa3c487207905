import Testing

@testable import S2PGCore

@Suite("SourceLiteral")
struct SourceLiteralTests {
    @Test(
        "a stored value renders as a literal of its column's type",
        arguments: [
            ("int", "-2147483648", "-2147483648"),
            ("bigint unsigned", "18446744073709551615", "18446744073709551615"),
            ("tinyint(1)", "1", "1"),
            ("year", "0000", "0000"),
            ("decimal(30,10)", "-0.0000000001", "-0.0000000001"),
            ("double", "-1.7976931348623157e308", "-1.7976931348623157e308"),
            ("bit(10)", "0201", "513"),
            ("varbinary(8)", "005c27ff", "X'005c27ff'"),
            ("binary(0)", "", "X''"),
            ("date", "2024-02-29", "'2024-02-29'"),
            ("datetime(6)", "2024-02-29 23:59:59.999999", "'2024-02-29 23:59:59.999999'"),
            ("timestamp", "1970-01-01 00:00:01", "'1970-01-01 00:00:01'"),
            ("time(6)", "-838:59:59.000000", "'-838:59:59.000000'"),
            ("time", "01:00:00", "'01:00:00'"),
            ("enum('zeta','alpha','it''s')", "it's", "3"),
            ("enum('zeta','alpha')", "", "0"),
            ("set('x','y','z')", "x,z", "5"),
            ("set('x','y')", "", "0"),
            ("varchar(20)", "back\\slash 'quoted' 100%_", "'back\\\\slash ''quoted'' 100%_'"),
            ("char(5)", "", "''"),
        ])
    func renders(_ type: String, _ value: String, _ literal: String) throws {
        #expect(try SourceLiteral.render(value, as: SourceColumnType(type)) == literal)
    }

    @Test(
        "anything that is not a value of the type is refused, so a tampered state row cannot change a query",
        arguments: [
            ("int", "0 OR SLEEP(5)"), ("int", ""), ("int unsigned", "-1"), ("bigint", "1e3"), ("int", "123456789012345678901"),
            ("decimal(10,2)", "1.2.3"), ("decimal(10,2)", "1;DROP"), ("double", "1e"), ("double", "NaN"),
            ("bit(8)", "zz"), ("bit(64)", "000000000000000000"), ("varbinary(4)", "abc"), ("blob", "0x00"), ("blob", "00FF"),
            ("date", "2024-02-29' OR '1"), ("date", "2024-2-29"), ("datetime(6)", "2024-02-29 23:59:59.1234567"),
            ("datetime", "2024-02-29T23:59:59"), ("time", "1:00"), ("time", "01:00:00' --"), ("time(6)", "-1:00:00.1234567"),
            ("enum('a','b')", "c"), ("set('x','y')", "x,q"), ("set('x','y')", "x,"),
        ])
    func refuses(_ type: String, _ value: String) {
        #expect(throws: SourceLiteral.Invalid.self) { try SourceLiteral.render(value, as: SourceColumnType(type)) }
    }

    @Test("values read from the source are stored as text, binary and BIT values as hex digits")
    func storedForm() {
        let bytes: [UInt8] = [0x00, 0x5C, 0x27, 0xFF]
        #expect(bytes.withUnsafeBytes { SourceLiteral.value($0, encoding: .bytes) } == "005c27ff")
        #expect(bytes.withUnsafeBytes { SourceLiteral.value($0, encoding: .bits(32)) } == "005c27ff")
        #expect(Array("a'b\\".utf8).withUnsafeBytes { SourceLiteral.value($0, encoding: .text) } == "a'b\\")
    }
}
