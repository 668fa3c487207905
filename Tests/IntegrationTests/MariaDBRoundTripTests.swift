import MariaDBClient
import Testing

/// Every MySQL type through the wrapper against the live server: the bytes the text protocol delivers and
/// the value they decode to.
@Suite("MariaDB round trip", .enabled(if: LiveDatabases.enabled))
struct MariaDBRoundTripTests {
    struct TypeCase: Sendable, CustomTestStringConvertible {
        var columnType: String
        /// A SQL expression inserted into the column.
        var literal: String
        /// The exact bytes read back; `nil` for SQL NULL.
        var bytes: [UInt8]?
        var value: MariaDBValue
        var testDescription: String { "\(columnType) ← \(literal)" }

        init(_ columnType: String, _ literal: String, _ text: String?, _ value: MariaDBValue) {
            self.init(columnType, literal, bytes: text.map { Array($0.utf8) }, value)
        }

        init(_ columnType: String, _ literal: String, bytes: [UInt8]?, _ value: MariaDBValue) {
            self.columnType = columnType
            self.literal = literal
            self.bytes = bytes
            self.value = value
        }
    }

    /// 1.0 and 2.0 as little-endian IEEE doubles, for the WKB of POINT(1 2).
    static let pointWKB: [UInt8] = [0, 0, 0, 0, 1, 1, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0xF0, 0x3F] + [0, 0, 0, 0, 0, 0, 0, 0x40]

    static let cases: [TypeCase] = [
        .init("TINYINT", "-128", "-128", .int(-128)),
        .init("TINYINT UNSIGNED", "255", "255", .uint(255)),
        .init("TINYINT(1)", "1", "1", .int(1)),
        .init("SMALLINT", "-32768", "-32768", .int(-32768)),
        .init("SMALLINT UNSIGNED", "65535", "65535", .uint(65535)),
        .init("MEDIUMINT", "-8388608", "-8388608", .int(-8_388_608)),
        .init("MEDIUMINT UNSIGNED", "16777215", "16777215", .uint(16_777_215)),
        .init("INT", "-2147483648", "-2147483648", .int(-2_147_483_648)),
        .init("INT UNSIGNED", "4294967295", "4294967295", .uint(4_294_967_295)),
        .init("INT(10) UNSIGNED ZEROFILL", "42", "0000000042", .uint(42)),
        .init("BIGINT", "-9223372036854775808", "-9223372036854775808", .int(.min)),
        .init("BIGINT UNSIGNED", "18446744073709551615", "18446744073709551615", .uint(.max)),
        .init(
            "DECIMAL(65,30)", "12345678901234567890123456789012345.123456789012345678901234567890",
            "12345678901234567890123456789012345.123456789012345678901234567890",
            .decimal("12345678901234567890123456789012345.123456789012345678901234567890")),
        .init("DECIMAL(12,2)", "-0.5", "-0.50", .decimal("-0.50")),
        .init("FLOAT", "1.5", "1.5", .double(1.5)),
        .init("DOUBLE", "-1.7976931348623157e308", "-1.7976931348623157e308", .double(-1.7976931348623157e308)),
        .init("BIT(10)", "b'1010101010'", bytes: [0x02, 0xAA], .bytes([0x02, 0xAA])),
        .init("CHAR(10)", "'abc'", "abc", .text("abc")),
        .init("VARCHAR(20)", "'😀 four-byte'", "😀 four-byte", .text("😀 four-byte")),
        .init("VARCHAR(20)", "''", "", .text("")),
        .init("VARCHAR(20)", "NULL", nil, .null),
        .init("TEXT", "'a\\0b'", bytes: [0x61, 0x00, 0x62], .text("a\u{0}b")),
        .init("LONGTEXT", "'tab\\there\\nnew line 日本 🎉'", "tab\there\nnew line 日本 🎉", .text("tab\there\nnew line 日本 🎉")),
        .init("BLOB", "X'00FF0000'", bytes: [0x00, 0xFF, 0x00, 0x00], .bytes([0x00, 0xFF, 0x00, 0x00])),
        .init("LONGBLOB", "X''", bytes: [], .bytes([])),
        .init("BINARY(4)", "X'00010203'", bytes: [0, 1, 2, 3], .bytes([0, 1, 2, 3])),
        .init("VARBINARY(8)", "X'FE00'", bytes: [0xFE, 0x00], .bytes([0xFE, 0x00])),
        .init("DATE", "'2024-02-29'", "2024-02-29", .temporal("2024-02-29")),
        .init("DATE", "'0000-00-00'", "0000-00-00", .temporal("0000-00-00")),
        .init("DATETIME(6)", "'2025-10-01 12:34:56.789012'", "2025-10-01 12:34:56.789012", .temporal("2025-10-01 12:34:56.789012")),
        .init("DATETIME", "'0000-00-00 00:00:00'", "0000-00-00 00:00:00", .temporal("0000-00-00 00:00:00")),
        .init("TIMESTAMP(6)", "'2025-10-01 12:34:56.000001'", "2025-10-01 12:34:56.000001", .temporal("2025-10-01 12:34:56.000001")),
        .init("TIME(6)", "'-838:59:59.000000'", "-838:59:59.000000", .temporal("-838:59:59.000000")),
        .init("TIME", "'838:59:59'", "838:59:59", .temporal("838:59:59")),
        .init("YEAR", "2155", "2155", .temporal("2155")),
        .init("JSON", #"'{"a": [1, "x\\u0000"], "b": null}'"#, #"{"a": [1, "x\u0000"], "b": null}"#, .text(#"{"a": [1, "x\u0000"], "b": null}"#)),
        .init("ENUM('a''b','','c')", "'a''b'", "a'b", .text("a'b")),
        .init("ENUM('a','b')", "''", "", .text("")),
        .init("SET('x','y','z')", "'x,z'", "x,z", .text("x,z")),
        .init("POINT", "ST_GeomFromText('POINT(1 2)')", bytes: pointWKB, .bytes(pointWKB)),
    ]

    @Test("a value reads back byte for byte and decodes by type", arguments: cases)
    func roundTrip(_ typeCase: TypeCase) async throws {
        try await LiveDatabases.withMariaDB { connection in
            let result = try await connection.run { connection in
                // Zero dates are what SingleStore tables can hold; allow them here.
                try connection.execute("SET SESSION sql_mode = ''")
                try connection.execute("CREATE TABLE t (v \(typeCase.columnType) NULL)")
                try connection.execute("INSERT INTO t VALUES (\(typeCase.literal))")
                return try connection.query("SELECT v FROM t")
            }
            try #require(result.rows.count == 1)
            #expect(result.rows[0][0] == typeCase.bytes)
            #expect(result.values[0][0] == typeCase.value)
        }
    }

    @Test("NULL and the empty string stay distinct in one row")
    func nullVersusEmpty() async throws {
        let row = try await LiveDatabases.withMariaDB { connection in
            try await connection.query("SELECT NULL, '', CAST('' AS BINARY), CAST(NULL AS BINARY)").rows[0]
        }
        #expect(row == [nil, [], [], nil])
    }

    @Test("TIMESTAMP values are read in UTC whatever the server's zone")
    func timestampInUTC() async throws {
        let value = try await LiveDatabases.withMariaDB { connection in
            try await connection.run { connection in
                try connection.execute("CREATE TABLE t (v TIMESTAMP(6) NULL)")
                // Written through a session in +05:00: stored as 07:00 UTC.
                try connection.execute("SET time_zone = '+05:00'")
                try connection.execute("INSERT INTO t VALUES ('2025-10-01 12:00:00.5')")
                try connection.execute("SET time_zone = '+00:00'")
                return try connection.query("SELECT v FROM t").rows[0][0]
            }
        }
        #expect(value == Array("2025-10-01 07:00:00.500000".utf8))
    }

    @Test("a large result streams row by row, in order, with nothing lost")
    func streaming() async throws {
        let (count, sum, last, columns) = try await LiveDatabases.withMariaDB { connection in
            try await connection.run { connection in
                var count = 0
                var sum = 0
                var last = 0
                let columns = try connection.stream("SELECT seq, CONCAT('row ', seq) FROM seq_1_to_200000") { row in
                    let id = Int(String(decoding: row[0]!, as: UTF8.self))!
                    count += 1
                    sum += id
                    last = id
                }
                return (count, sum, last, columns)
            }
        }
        #expect(count == 200_000)
        #expect(sum == 200_000 * 200_001 / 2)
        #expect(last == 200_000)
        #expect(columns.map(\.name) == ["seq", "CONCAT('row ', seq)"])
    }

    @Test("a failing statement names the SQL, the server's code and SQLSTATE")
    func queryError() async throws {
        try await LiveDatabases.withMariaDB { connection in
            do {
                try await connection.execute("SELECT * FROM no_such_table")
                Issue.record("the query succeeded")
            } catch let error as MariaDBError {
                #expect(error.code == .query)
                #expect(error.errorNumber == 1146)
                #expect(error.sqlState == "42S02")
                #expect(error.sql == "SELECT * FROM no_such_table")
                #expect(error.description.contains("no_such_table"))
            }
            // The connection is still usable afterwards.
            #expect(try await connection.query("SELECT 1").rows == [[Array("1".utf8)]])
        }
    }

    @Test("identifiers with reserved words, spaces and backticks work when quoted")
    func quotedIdentifiers() async throws {
        let rows = try await LiveDatabases.withMariaDB { connection in
            try await connection.run { connection in
                let table = MariaDBIdentifier.quote("order`s table")
                let column = MariaDBIdentifier.quote("group")
                try connection.execute("CREATE TABLE \(table) (\(column) INT)")
                try connection.execute("INSERT INTO \(table) VALUES (7)")
                return try connection.query("SELECT \(column) FROM \(table)").rows
            }
        }
        #expect(rows == [[Array("7".utf8)]])
    }
}
