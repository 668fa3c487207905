import Foundation
import PostgresClient
import Testing

@testable import S2PGCore

/// Reloads in binary COPY against reloads in text COPY: the same mirror, value for value, policies included.
@Suite("COPY formats", .enabled(if: LiveDatabases.enabled))
struct CopyFormatTests {
    static let columns = """
        id::text, i::text, s::text, tb::text, y::text, iu::text, bu::text, d::text, d2::text, c, vc, t, j::text,
        encode(bn, 'hex'), encode(bl, 'hex'), dt::text, dtm::text, dt6::text, ts::text, e, updated_at::text, f::text, db::text
        """

    @Test("every type with a binary form (floats too), edge values and value policies: binary and text reloads give the same mirror")
    func sameMirror() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.run { connection in
                try connection.execute("SET SESSION sql_mode = ''")
                try connection.execute(
                    """
                    CREATE TABLE kinds (
                      id BIGINT NOT NULL PRIMARY KEY, i INT, s SMALLINT, tb TINYINT(1), y YEAR, iu INT UNSIGNED ZEROFILL,
                      bu BIGINT UNSIGNED, d DECIMAL(65,30), d2 DECIMAL(12,2), c CHAR(5), vc VARCHAR(50), t TEXT, j JSON,
                      bn BINARY(4), bl BLOB, dt DATE, dtm DATETIME, dt6 DATETIME(6), ts TIMESTAMP(6) NULL, e ENUM('a', 'b c'),
                      updated_at DATETIME(6) NOT NULL, f FLOAT, db DOUBLE
                    )
                    """)
                try connection.execute(
                    """
                    INSERT INTO kinds VALUES
                    (-9223372036854775808, -2147483648, -32768, -128, 1901, 0, 0, -12345678901234567890123456789012345.123456789012345678901234567890,
                     -0.01, '', '', 'a\\0b\\tc\\\\d\\ne', '{"k": "v\\\\u0000w", "n": [1, 2.5e10, null]}', X'00000000', X'',
                     '0001-01-01', '0000-00-00 00:00:00', '1999-12-31 23:59:59.999999', '1970-01-01 00:00:01.000000', 'a',
                     '2025-10-01 00:00:00', 16777216, -1.7976931348623157e308),
                    (0, 0, 0, 0, 2155, 42, 18446744073709551615, 0, 0, 'é', 'tab\\there', '日本 🎉', '[]', X'DEADBEEF', X'00FF5C0A',
                     '2024-02-29', '2000-01-01 00:00:00', '2000-01-01 00:00:00.000001', '2038-01-19 03:14:07.999999', 'b c',
                     '2025-10-01 00:00:01', 0.1, 0.1),
                    (9223372036854775807, 2147483647, 32767, 127, NULL, 4294967295, 1, 0.000000000000000000000000000001, 9999999999.99,
                     NULL, NULL, NULL, NULL, NULL, NULL, '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', NULL, NULL,
                     '2025-10-01 00:00:02', 3.40282e38, 2.2250738585072014e-308),
                    (5, NULL, NULL, NULL, NULL, NULL, NULL, 100.5, 123.40, 'x', 'y', REPEAT('long ', 1000), '"s"', X'01020304', X'00',
                     '2023-02-00', '2023-02-31 10:00:00', '0000-00-00 00:00:00.000000', NULL, '', '2025-10-01 00:00:03', -0, NULL)
                    """)
            }
            let plan = try #require(try await Replicator(configuration: fixture.configuration, logger: SyncFixture.logger).plans(only: ["kinds"]).first)
            guard case .binary = CopyFormat(plan, binaryAllowed: true) else {
                Issue.record("kinds should be copied in binary: \(plan.columns.map(\.mapped.postgres))")
                return
            }
            let binary = try #require(try await fixture.sync()["kinds"])
            #expect(binary.kind == .reload)
            #expect(binary.rows == 4)
            #expect(binary.counts.invalidDatesNulled == 4)
            #expect(binary.counts.nulBytesRemoved == 1)
            let loaded = try await fixture.mirror("SELECT \(Self.columns) FROM kinds ORDER BY id")
            #expect(try await fixture.verify("kinds").isEqual)

            var textual = fixture
            textual.configuration.sync.binaryCopy = false
            let outcomes = try await Replicator(configuration: textual.configuration, logger: SyncFixture.logger).sync(reload: true)
            let text = try #require(try outcomes.first?.result.get())
            #expect(text.kind == .reload)
            #expect(text.counts == binary.counts)
            #expect(try await fixture.mirror("SELECT \(Self.columns) FROM kinds ORDER BY id") == loaded)

            // Both read what the source holds (not only the same as each other).
            #expect(loaded[0] == [
                "-9223372036854775808", "-2147483648", "-32768", "-128", "1901", "0", "0",
                "-12345678901234567890123456789012345.123456789012345678901234567890", "-0.01", "", "", "ab\tc\\d\ne",
                // MariaDB's JSON is LONGTEXT with a check, so the mirror's column is text (SingleStore's is jsonb).
                #"{"k": "v\u0000w", "n": [1, 2.5e10, null]}"#, "00000000", "", "0001-01-01", nil, "1999-12-31 23:59:59.999999",
                "1970-01-01 00:00:01+00", "a", "2025-10-01 00:00:00", "1.6777216e+07", "-1.7976931348623157e+308",
            ])
            #expect(loaded[1][6] == "18446744073709551615" && loaded[1][13] == "deadbeef" && loaded[1][14] == "00ff5c0a")
            #expect(loaded[3][7] == "0.000000000000000000000000000001" && loaded[3][8] == "9999999999.99")
            #expect(loaded[3][15...17] == ["9999-12-31", "9999-12-31 23:59:59", "9999-12-31 23:59:59.999999"])
            #expect(loaded[2][7] == "100.500000000000000000000000000000" && loaded[2][15] == nil && loaded[2][16] == nil)
        }
    }

    @Test(
        "TIMESTAMP values reach the mirror as the same instants whatever zone the target's sessions default to (PGTZ), in both formats",
        arguments: [true, false])
    func targetSessionZone(binary: Bool) async throws {
        var sync = SyncConfiguration()
        sync.binaryCopy = binary
        try await SyncFixture.with(sync) { fixture in
            try await fixture.source.execute("CREATE TABLE events (id INT NOT NULL PRIMARY KEY, at TIMESTAMP(6) NULL, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute(
                "INSERT INTO events VALUES (1, '2025-07-01 12:00:00.250000', NOW(6) - INTERVAL 1 HOUR), (2, '2025-12-01 23:30:00', NOW(6) - INTERVAL 1 HOUR)")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            // A target whose sessions default to New York: a value read as local time there would be 4 or 5 hours off.
            let load = try await S2PGProcess.run(["full-load", "--config", file.path], environment: environment.merging(["PGTZ": "America/New_York"]) { $1 })
            #expect(load.status == 0, "\(load.error)")
            #expect(try await fixture.mirror("SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM events ORDER BY id") == [
                ["2025-07-01 12:00:00.250000"], ["2025-12-01 23:30:00.000000"],
            ])
            try await fixture.source.execute("UPDATE events SET at = '2026-01-15 08:00:00', updated_at = NOW(6) WHERE id = 2")
            let sync = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment.merging(["PGTZ": "America/New_York"]) { $1 })
            #expect(sync.status == 0, "\(sync.error)")
            #expect(try await fixture.mirror("SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM events WHERE id = 2") == [["2026-01-15 08:00:00"]])
            #expect(try await fixture.verify("events").isEqual)
        }
    }
}
