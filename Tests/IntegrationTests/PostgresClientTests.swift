import Foundation
import Testing

@testable import PostgresClient

@testable import S2PGCore

@Suite("PostgreSQL client", .enabled(if: LiveDatabases.enabled))
struct PostgresClientTests {
    /// Values that break naive COPY text: every escape, and strings that look like escapes.
    static let awkward: [String?] = [
        "tab\there", "new\nline", "carriage\rreturn", "CRLF\r\n", #"back\slash"#, #"\N"#, #"\\N"#, "N", "NULL",
        "", nil, #"ends with \"#, "\t", "café 日本 🎉", "\u{1}\u{7F}", String(repeating: "x\t\n\\", count: 20_000),
    ]

    @Test("a COPY write larger than one libpq call takes is sent in several, pieces spanning rows; and over several calls")
    func copySplitAcrossCalls() async throws {
        try await LiveDatabases.withPostgresSchema { connection, _ in
            let data = Array((1...100).map { "\($0)\tvalue \($0)\n" }.joined().utf8)
            try await connection.execute("CREATE TABLE t (id integer PRIMARY KEY, v text)")
            let copied = try await connection.run { connection in
                try connection.copy("COPY t (id, v) FROM STDIN") { writer in
                    try data.withUnsafeBytes { try writer.write($0, callLimit: 7) }
                }
            }
            #expect(copied == 100)
            // The same data over several calls of the connection, as a large row is sent while it is read.
            try await connection.execute("TRUNCATE t")
            try await connection.beginCopy("COPY t (id, v) FROM STDIN")
            for start in stride(from: 0, to: data.count, by: 333) {
                try await connection.writeCopy(Array(data[start..<min(start + 333, data.count)]))
            }
            #expect(try await connection.endCopy() == 100)
            let rows = try await connection.execute("SELECT count(*)::text, max(v) FROM t WHERE v = 'value ' || id").rows
            #expect(rows == [["100", "value 99"]])
        }
    }

    @Test("values print in the formats s2pg parses and compares, whatever PGDATESTYLE and PGOPTIONS ask for")
    func textFormatsFixed() async throws {
        setenv("PGDATESTYLE", "SQL, DMY", 1)
        setenv("PGOPTIONS", "-c IntervalStyle=sql_standard -c extra_float_digits=-3", 1)
        defer {
            unsetenv("PGDATESTYLE")
            unsetenv("PGOPTIONS")
        }
        let connection = try await PostgresConnection.connect(try LiveDatabases.postgres())
        let rows = try await connection.execute(
            "SELECT '2024-01-02 03:04:05.5'::timestamp::text, '2024-01-02'::date::text, 0.1::float8::text, '1 day 2 hours'::interval::text, current_setting('DateStyle')"
        ).rows
        #expect(rows == [["2024-01-02 03:04:05.5", "2024-01-02", "0.1", "1 day 02:00:00", "ISO, MDY"]])
    }

    @Test("COPY writes awkward text that reads back equal, NULL distinct from empty")
    func copyRoundTrip() async throws {
        let rows = try await LiveDatabases.withPostgresSchema { connection, _ in
            try await connection.run { connection in
                try connection.execute("CREATE TABLE t (id integer PRIMARY KEY, v text)")
                let copied = try connection.copy("COPY t (id, v) FROM STDIN") { writer in
                    var encoder = CopyEncoder(encodings: [.number, .text])
                    for (index, value) in Self.awkward.enumerated() {
                        Array(String(index).utf8).withUnsafeBytes { encoder.append($0, as: .number) }
                        encoder.output.append(UInt8(ascii: "\t"))
                        if let value {
                            Array(value.utf8).withUnsafeBytes { encoder.append($0, as: .text) }
                        } else {
                            encoder.output.append(contentsOf: Array(#"\N"#.utf8))
                        }
                        encoder.output.append(UInt8(ascii: "\n"))
                        // Flush in small chunks so rows straddle chunk boundaries.
                        if encoder.output.count > 100 {
                            try writer.write(encoder.output)
                            encoder.output.removeAll(keepingCapacity: true)
                        }
                    }
                    try writer.write(encoder.output)
                }
                #expect(copied == Self.awkward.count)
                return try connection.execute("SELECT v FROM t ORDER BY id").rows.map { $0[0] }
            }
        }
        #expect(rows == Self.awkward)
    }

    struct ProducerFailure: Error {}

    @Test("a COPY whose producer fails keeps nothing and leaves the connection usable")
    func copyAbort() async throws {
        let count = try await LiveDatabases.withPostgresSchema { connection, _ in
            try await connection.run { connection in
                try connection.execute("CREATE TABLE t (v text)")
                #expect(throws: ProducerFailure.self) {
                    try connection.copy("COPY t FROM STDIN") { writer in
                        try writer.write(Array("half a load\n".utf8))
                        throw ProducerFailure()
                    }
                }
                return try connection.execute("SELECT count(*) FROM t").rows[0][0]
            }
        }
        #expect(count == "0")
    }

    @Test("bad COPY data fails with the server's error and the COPY statement")
    func copyBadData() async throws {
        try await LiveDatabases.withPostgresSchema { connection, _ in
            try await connection.run { connection in
                try connection.execute("CREATE TABLE t (n integer)")
                do {
                    try connection.copy("COPY t FROM STDIN") { writer in try writer.write(Array("12\nnot a number\n".utf8)) }
                    Issue.record("the COPY succeeded")
                } catch let error as PostgresError {
                    #expect(error.code == .copy)
                    #expect(error.sqlState == "22P02")
                    #expect(error.sql == "COPY t FROM STDIN")
                }
                #expect(try connection.execute("SELECT count(*) FROM t").rows[0][0] == "0")
            }
        }
    }

    @Test("parameters travel apart from the SQL: NULL, quotes, and never shown in errors")
    func parameters() async throws {
        try await LiveDatabases.withPostgresSchema { connection, _ in
            try await connection.run { connection in
                let row = try connection.execute("SELECT $1::text, $2::text, $3::int + 1", ["it's \"quoted\"", nil, "41"])
                #expect(row.rows == [["it's \"quoted\"", nil, "42"]])
                do {
                    try connection.execute("SELECT $1::integer", ["secret-value-123"])
                    Issue.record("the cast succeeded")
                } catch let error as PostgresError {
                    #expect(error.sqlState == "22P02")
                    #expect(error.sql == "SELECT $1::integer")
                    #expect(!error.description.contains("secret-value-123"))
                }
            }
        }
    }

    struct Rollback: Error {}

    @Test("a transaction commits together or not at all")
    func transactions() async throws {
        let rows = try await LiveDatabases.withPostgresSchema { connection, _ in
            try await connection.execute("CREATE TABLE t (v integer)")
            try await connection.transaction { connection in
                try connection.execute("INSERT INTO t VALUES (1)")
                try connection.execute("INSERT INTO t VALUES (2)")
            }
            await #expect(throws: Rollback.self) {
                try await connection.transaction { connection in
                    try connection.execute("INSERT INTO t VALUES (3)")
                    throw Rollback()
                }
            }
            return try await connection.execute("SELECT v FROM t ORDER BY v").rows
        }
        #expect(rows == [["1"], ["2"]])
    }

    @Test("a postgresql:// URL connects, and an explicit password overrides the URL's")
    func urlConnection() async throws {
        let fields = try LiveDatabases.postgres()
        let url = "postgresql://\(fields.user!)@\(fields.host!):\(fields.port!)/\(fields.database!)?sslmode=disable"
        let connection = try await PostgresConnection.connect(PostgresConfiguration(url: url, password: fields.password))
        #expect(connection.endpoint == "\(fields.host!):\(fields.port!)")
        let database = try await connection.execute("SELECT current_database()").rows[0][0]
        #expect(database == fields.database)
        #expect(await connection.serverVersion.hasPrefix("15"))
    }
}
