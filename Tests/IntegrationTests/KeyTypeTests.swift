import Foundation
import MariaDBClient
import PostgresClient
import Testing

@testable import S2PGCore

/// Every key type the mapping supports, synced across page boundaries, with the source server's `sql_mode`
/// set to what changes how SQL is read. Serialized: the server's global `sql_mode` is changed for a moment.
@Suite("Key types", .enabled(if: LiveDatabases.enabled), .serialized)
struct KeyTypeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Key column definitions.
        var columns: String
        var key: String
        /// One tuple of source literals per row, in any order.
        var rows: [String]
        var batchRows = 2
        var testDescription: String { name }
    }

    static func s(_ text: String) -> String { MariaDBIdentifier.literal(text.utf8) }

    static let cases: [Case] = [
        Case(name: "TINYINT", columns: "k TINYINT NOT NULL", key: "k", rows: ["-128", "-1", "0", "1", "127"]),
        Case(name: "TINYINT UNSIGNED", columns: "k TINYINT UNSIGNED NOT NULL", key: "k", rows: ["0", "1", "254", "255"]),
        Case(name: "SMALLINT / UNSIGNED", columns: "k SMALLINT NOT NULL, u SMALLINT UNSIGNED NOT NULL", key: "k, u",
             rows: ["-32768, 65535", "-32768, 0", "32767, 0"]),
        Case(name: "MEDIUMINT / UNSIGNED", columns: "k MEDIUMINT NOT NULL, u MEDIUMINT UNSIGNED NOT NULL", key: "u, k",
             rows: ["-8388608, 16777215", "8388607, 0", "0, 1"]),
        Case(name: "INT", columns: "k INT NOT NULL", key: "k", rows: ["-2147483648", "0", "2147483647"]),
        Case(name: "INT UNSIGNED", columns: "k INT UNSIGNED NOT NULL", key: "k", rows: ["0", "2147483648", "4294967295"]),
        Case(name: "BIGINT", columns: "k BIGINT NOT NULL", key: "k",
             rows: ["-9223372036854775808", "-1", "0", "9223372036854775807"]),
        Case(name: "BIGINT UNSIGNED", columns: "k BIGINT UNSIGNED NOT NULL", key: "k",
             rows: ["0", "9223372036854775808", "18446744073709551614", "18446744073709551615"]),
        Case(name: "DECIMAL(30,10)", columns: "k DECIMAL(30,10) NOT NULL", key: "k",
             rows: ["-99999999999999999999.9999999999", "-0.0000000001", "0", "0.0000000001", "12345.6789"]),
        Case(name: "DATE", columns: "k DATE NOT NULL", key: "k", rows: ["'1000-01-01'", "'2024-02-29'", "'9999-12-31'"]),
        Case(name: "DATETIME(6)", columns: "k DATETIME(6) NOT NULL", key: "k",
             rows: ["'1000-01-01 00:00:00'", "'2024-02-29 23:59:59.999998'", "'2024-02-29 23:59:59.999999'", "'9999-12-31 23:59:59.999999'"]),
        Case(name: "TIMESTAMP(6)", columns: "k TIMESTAMP(6) NOT NULL", key: "k",
             rows: ["'1970-01-01 00:00:01'", "'2000-01-01 00:00:00.000001'", "'2038-01-19 03:14:07.999999'"]),
        Case(name: "TIME(6), negative included", columns: "k TIME(6) NOT NULL", key: "k",
             rows: ["'-838:59:59'", "'-00:00:00.000001'", "'00:00:00'", "'01:00:00'", "'838:59:59'"]),
        Case(name: "YEAR", columns: "k YEAR NOT NULL", key: "k", rows: ["0", "1901", "2000", "2155"]),
        Case(name: "VARCHAR, case-insensitive, quotes, backslashes, wildcards, control characters, multibyte",
             columns: "k VARCHAR(20) COLLATE utf8mb4_general_ci NOT NULL", key: "k",
             rows: ["", "a", "B", "c'd", "\\", "back\\slash", "\\'", "%", "_", "100%_", "\u{1}\u{2}\t\n\r", "é", "日本", "😀", "z "].map(s)),
        Case(name: "VARCHAR, binary collation", columns: "k VARCHAR(10) COLLATE utf8mb4_bin NOT NULL", key: "k",
             rows: ["A", "a", "B", "b", "\\", "'", "\\\\"].map(s)),
        Case(name: "CHAR, latin1", columns: "k CHAR(5) CHARACTER SET latin1 NOT NULL", key: "k",
             rows: ["a", "b'c", "ü", "\\x", "Z"].map(s)),
        Case(name: "BINARY(1), every byte", columns: "k BINARY(1) NOT NULL", key: "k",
             rows: (0...255).map { "X'\(String(format: "%02x", $0))'" }, batchRows: 3),
        Case(name: "VARBINARY", columns: "k VARBINARY(8) NOT NULL", key: "k",
             rows: ["X''", "X'00'", "X'0000'", "X'ff'", "X'00ff'", "X'5c27'", "X'ffffffffffffffff'"]),
        Case(name: "ENUM", columns: "k ENUM('zeta','alpha','mid','it''s') NOT NULL", key: "k",
             rows: ["'zeta'", "'alpha'", "'mid'", "'it''s'"]),
        Case(name: "BIT(10)", columns: "k BIT(10) NOT NULL", key: "k", rows: ["b'0'", "b'1'", "b'1000000001'", "b'1111111111'"]),
        Case(name: "VARCHAR + INT", columns: "a VARCHAR(10) NOT NULL, b INT NOT NULL", key: "a, b",
             rows: ["'a', 1", "'a', 2", "'B', -1", "'\\\\', 5", "'\\\\', -5"]),
        Case(name: "DATE + VARBINARY + ENUM", columns: "a DATE NOT NULL, b VARBINARY(4) NOT NULL, c ENUM('z','y') NOT NULL",
             key: "a, b, c", rows: ["'2024-01-01', X'00', 'y'", "'2024-01-01', X'00', 'z'", "'2024-01-01', X'ff', 'z'", "'2023-12-31', X'', 'y'"]),
        Case(name: "TIME + BIGINT UNSIGNED + BIT", columns: "a TIME NOT NULL, b BIGINT UNSIGNED NOT NULL, c BIT(64) NOT NULL",
             key: "a, b, c", rows: ["'-01:00:00', 18446744073709551615, b'1'", "'-01:00:00', 0, b'1'", "'01:00:00', 0, 0xffffffffffffffff", "'01:00:00', 0, 0"]),
    ]

    @Test("keys of every type: synced in pages of 2-3 by the key tie-break, reload resumes after each key and parts end at one, under every sql_mode", arguments: cases)
    func keyType(_ keyCase: Case) async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: keyCase.batchRows)) { fixture in
            let count = keyCase.rows.count
            try await fixture.source.execute(
                "CREATE TABLE kt (\(keyCase.columns), n INT NOT NULL, updated_at DATETIME(6) NOT NULL, PRIMARY KEY (\(keyCase.key)), KEY (updated_at))")
            try await fixture.source.execute(
                "INSERT INTO kt VALUES " + keyCase.rows.enumerated().map { "(\($1), \($0), NOW(6) - INTERVAL 1 HOUR)" }.joined(separator: ", "))
            let first = try #require(try await fixture.sync()["kt"])
            #expect(first.kind == .reload)
            #expect(first.rows == count)
            #expect(try await fixture.verify("kt").isEqual)

            // A resumed reload reads exactly the rows after each stored key, in key order.
            let plan = try await Replicator(configuration: fixture.configuration, logger: SyncFixture.logger).plans(only: ["kt"])[0]
            let queries = SourceQueries(plan: plan)
            let encodings = plan.columns.map(ValueEncoding.init)
            let ordered = try await fixture.source.query(try queries.reload(afterKey: nil, since: nil)).rows
            #expect(ordered.count == count)
            let storedKeys = ordered.map { row in
                queries.keyIndexes.map { index in row[index]!.withUnsafeBytes { SourceLiteral.value($0, encoding: encodings[index]) } }
            }
            for (position, key) in storedKeys.enumerated() {
                let after = try await fixture.source.query(try queries.reload(afterKey: key, since: nil)).rows
                #expect(after.count == count - position - 1, "after key \(position)")
                #expect(after.first == ordered.dropFirst(position + 1).first, "after key \(position)")
                // A part of a reload in several streams: up to and including its last key.
                let through = try await fixture.source.query(try queries.reload(afterKey: nil, through: key, since: nil)).rows
                #expect(through == Array(ordered.prefix(position + 1)), "through key \(position)")
                if position > 0 {
                    let part = try await fixture.source.query(try queries.reload(afterKey: storedKeys[0], through: key, since: nil)).rows
                    #expect(part == Array(ordered[1...position]), "after key 0 through key \(position)")
                }
            }

            // Every row at one updated_at: the pages walk the tie by key alone.
            for mode in ["", "NO_BACKSLASH_ESCAPES", "ANSI_QUOTES"] {
                try await LiveDatabases.withGlobalSQLMode(mode) {
                    try await fixture.source.execute("UPDATE kt SET n = n + 1000, updated_at = NOW(6)")
                    let pass = try #require(try await fixture.sync()["kt"])
                    #expect(pass.kind == .incremental, "sql_mode \(mode)")
                    #expect(pass.rows == count, "sql_mode \(mode)")
                    #expect(pass.pages == (count + keyCase.batchRows - 1) / keyCase.batchRows, "sql_mode \(mode)")
                    let report = try await fixture.verify("kt")
                    #expect(report.isEqual, "sql_mode \(mode): \(report.summary)")
                }
            }
            #expect(try await fixture.state("kt").cursorKey == storedKeys.last)
        }
    }

    @Test("a tampered cursor is refused with a clear error, and nothing is read or written")
    func tamperedState() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO t VALUES (1, NOW(6) - INTERVAL 1 MINUTE)")
            try await fixture.sync()
            try await fixture.source.execute("INSERT INTO t VALUES (2, NOW(6))")
            let state = PostgresIdentifier.qualified(fixture.configuration.target.stateSchema, "table_state")
            try await fixture.target.execute(
                "UPDATE \(state) SET cursor_key = $1::jsonb, cursor_updated_at = '2020-01-01 00:00:00' WHERE source_table = 't'",
                [#"["0 OR SLEEP(5)"]"#])
            let outcome = try await Replicator(configuration: fixture.configuration, logger: SyncFixture.logger).sync()
            let error = try #require(outcome.first.map { outcome -> (any Error)? in
                if case .failure(let error) = outcome.result { return error } else { return nil }
            } ?? nil)
            #expect("\(error)".contains("the stored position of table t is not a valid int(11) value for column id"))
            #expect(!"\(error)".contains("SLEEP"))
            #expect(try await fixture.mirror("SELECT count(*)::text FROM t") == [["1"]])
            #expect(try await fixture.state("t").cursorKey == ["0 OR SLEEP(5)"])
        }
    }
}
