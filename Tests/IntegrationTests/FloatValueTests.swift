import Foundation
import MariaDBClient
import PostgresClient
import S2PGCore
import Testing

@testable import S2PGCore

@Suite("FLOAT values", .enabled(if: LiveDatabases.enabled))
struct FloatValueTests {
    @Test("FLOAT arrives exact, not in its 6-digit text (16777216 is not 16777200): the mirror's real holds the same float")
    func floatsExact() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE readings (id INT NOT NULL PRIMARY KEY, v FLOAT, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute(
                """
                INSERT INTO readings VALUES (1, 16777217, NOW(6)), (2, 123456789, NOW(6)), (3, 105.21, NOW(6)), (4, 0.1, NOW(6)),
                (5, -3.40282e38, NOW(6)), (6, 1.17549435e-38, NOW(6)), (7, NULL, NOW(6))
                """)
            try await fixture.sync()
            let source = try await fixture.source.query("SELECT CAST(v AS DOUBLE) FROM readings ORDER BY id").strings
            #expect(source[0] == ["16777216"])
            let mirror = try await fixture.mirror("SELECT v::float8::text FROM readings ORDER BY id")
            #expect(mirror.map { $0[0].map { $0.replacing("e+", with: "e") } } == source.map { $0[0] })
            #expect(try await fixture.verify("readings").isEqual)
        }
    }
}
