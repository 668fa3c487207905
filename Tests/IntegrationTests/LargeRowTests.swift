import Foundation
import MariaDBClient
import PostgresClient
import S2PGCore
import Testing

@testable import S2PGCore

@Suite("Large rows", .enabled(if: LiveDatabases.enabled))
struct LargeRowTests {
    @Test("a 26 MiB row among small ones: reloaded and paged in pieces, equal byte for byte; refused, it is rejected by key")
    func largeRow() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 3)) { fixture in
            try await fixture.source.execute(
                "CREATE TABLE docs (id INT NOT NULL PRIMARY KEY, data LONGBLOB, body LONGTEXT, updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            try await fixture.source.execute(
                """
                INSERT INTO docs VALUES (0, X'00', 'small', NOW(6) - INTERVAL 1 MINUTE),
                (1, REPEAT(UNHEX(MD5('s2pg')), 1310720), REPEAT('tab\\there \\\\ new\\nline é ', 300000), NOW(6) - INTERVAL 1 MINUTE),
                (2, NULL, 'after', NOW(6) - INTERVAL 1 MINUTE)
                """)
            let reload = try #require(try await fixture.sync()["docs"])
            #expect(reload.kind == .reload)
            #expect(reload.rows == 3)
            #expect(try await fixture.verify("docs").isEqual)
            let digests = try await fixture.source.query("SELECT MD5(data), MD5(body), LENGTH(data) FROM docs WHERE id = 1").strings
            #expect(digests[0][2] == "20971520")
            #expect(try await fixture.mirror("SELECT md5(data), md5(body), length(data)::text FROM docs WHERE id = 1") == digests)

            // Paged: the large row between small ones in one page.
            try await fixture.source.execute("UPDATE docs SET body = CONCAT(body, '!'), updated_at = NOW(6)")
            let paged = try #require(try await fixture.sync()["docs"])
            #expect(paged.kind == .incremental)
            #expect(paged.rows == 3)
            #expect(try await fixture.verify("docs").isEqual)

            // Refused by a rule of the mirror's owner: the page is read again row by row, the large row rejected.
            try await fixture.target.execute("ALTER TABLE docs ADD CONSTRAINT body_short CHECK (length(body) < 1000000) NOT VALID")
            try await fixture.source.execute("UPDATE docs SET body = CONCAT(body, '?'), updated_at = NOW(6)")
            let refused = try #require(try await fixture.sync()["docs"])
            #expect(refused.rows == 3)
            #expect(refused.rejected == 1)
            #expect(try await fixture.mirror("SELECT body FROM docs WHERE id <> 1 ORDER BY id") == [["small!?"], ["after!?"]])
            let rejects = try await fixture.mirror(
                "SELECT row_key, row_data FROM \(PostgresIdentifier.qualified(fixture.configuration.target.stateSchema, "rejects"))")
            #expect(rejects == [["id=1", "(not kept: a row too large to hold in memory)"]])
            #expect(try await fixture.state("docs").cursorKey == ["2"])
        }
    }
}
