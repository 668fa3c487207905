import Foundation
import MariaDBClient
import PostgresClient
import S2PGCore
import Testing

@testable import S2PGCore

@Suite("Source session zone", .enabled(if: LiveDatabases.enabled))
struct SessionZoneTests {
    @Test("sessions left in another zone (+02:00), as SingleStore leaves them in the server's: TIMESTAMP values, cursor and verify exact")
    func sessionZone() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 2)) { fixture in
            // MariaDB honours SET time_zone; asked for +02:00 it is where SingleStore's sessions are when the
            // server's zone is +02:00. The fixture's own session is in UTC, so these are UTC instants.
            fixture.configuration.source.connection.sessionTimeZone = "+02:00"
            try await fixture.source.execute(
                "CREATE TABLE events (id INT NOT NULL PRIMARY KEY, at TIMESTAMP(6) NULL, updated_at TIMESTAMP(6) NOT NULL, KEY (updated_at))")
            try await fixture.source.execute(
                """
                INSERT INTO events VALUES (1, '2025-03-30 00:30:00.000001', NOW(6) - INTERVAL 1 MINUTE),
                (2, '2025-10-26 23:59:59.5', NOW(6) - INTERVAL 1 MINUTE), (3, NULL, NOW(6) - INTERVAL 1 MINUTE)
                """)
            #expect(try await fixture.sync()["events"]?.kind == .reload)
            let instants = "SELECT id::text, (at AT TIME ZONE 'UTC')::text FROM events ORDER BY id"
            #expect(try await fixture.mirror(instants) == [
                ["1", "2025-03-30 00:30:00.000001"], ["2", "2025-10-26 23:59:59.5"], ["3", nil],
            ])
            #expect(try await fixture.verify("events").isEqual)

            // Changed now: the clock and the values are read in the same zone, so the rows are due at once.
            try await fixture.source.execute("UPDATE events SET at = '2030-01-01 12:00:00', updated_at = NOW(6)")
            let changed = try #require(try await fixture.sync()["events"])
            #expect(changed.kind == .incremental)
            #expect(changed.rows == 3)
            #expect(try await fixture.mirror("SELECT DISTINCT (at AT TIME ZONE 'UTC')::text FROM events") == [["2030-01-01 12:00:00"]])
            #expect(try await fixture.verify("events").isEqual)
        }
    }
}
