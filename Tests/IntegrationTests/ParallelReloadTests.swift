import Foundation
import PostgresClient
import S2PGCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A reload split into parts of its key range over `sync.parallel_streams` connections: every row once,
/// each part resumable on its own after `kill -9`.
@Suite("Parallel reloads", .enabled(if: LiveDatabases.enabled))
struct ParallelReloadTests {
    static let rows = 300_000

    /// `big` over a two-column key, `rows` rows, its statistics current (the parts come from the estimate).
    static func createBig(_ fixture: SyncFixture) async throws {
        try await fixture.source.execute(
            "CREATE TABLE big (a INT NOT NULL, b INT NOT NULL, payload VARCHAR(100), amount DECIMAL(12,2), updated_at DATETIME(6) NOT NULL, PRIMARY KEY (a, b))")
        try await fixture.source.execute(
            """
            INSERT INTO big SELECT seq DIV 7, seq % 7, CONCAT('v1 ', MD5(seq)), seq / 100, TIMESTAMP('2025-10-01') + INTERVAL seq SECOND
            FROM seq_1_to_\(rows)
            """)
        try await fixture.source.execute("ANALYZE TABLE big")
    }

    static func parts(_ fixture: SyncFixture) -> String {
        PostgresIdentifier.qualified(fixture.configuration.target.stateSchema, "reload_parts")
    }

    @Test("three streams over a two-column key: every row once, equal to the source, the parts cleared")
    func threeStreams() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 5000, parallelStreams: 3)) { fixture in
            try await Self.createBig(fixture)
            let result = try #require(try await fixture.sync()["big"])
            #expect(result.kind == .reload)
            #expect(result.rows == Self.rows)
            #expect(try await fixture.mirror("SELECT count(*)::text, count(DISTINCT (a, b))::text FROM big") == [[String(Self.rows), String(Self.rows)]])
            #expect(try await fixture.verify("big").isEqual)
            #expect(try await fixture.mirror("SELECT count(*)::text FROM \(Self.parts(fixture))") == [["0"]])
            // It goes on incrementally from the reload's cursor like any other.
            try await fixture.source.execute("UPDATE big SET payload = 'v2', updated_at = NOW(6) WHERE b = 3")
            let next = try #require(try await fixture.sync()["big"])
            #expect(next.kind == .incremental)
            #expect(try await fixture.verify("big").isEqual)
        }
    }

    @Test("kill -9 while three parts copy: each part's checkpoint is exactly its committed rows, and a rerun resumes each")
    func killAndResume() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 5000, parallelStreams: 3)) { fixture in
            try await Self.createBig(fixture)
            // Killed once every part has committed a chunk.
            try await CrashTests.start(
                ["sync"], fixture, signal: SIGKILL,
                when: "(SELECT NULLIF(count(done_key) = 3, false) FROM \(Self.parts(fixture)))")
            let state = try await fixture.state("big")
            let load = PostgresIdentifier.qualified(fixture.schema, try #require(state.fullLoadTable))
            let parts = try await fixture.mirror(
                "SELECT part::text, after_key->>0, after_key->>1, through_key->>0, through_key->>1, done_key->>0, done_key->>1, finished::text FROM \(Self.parts(fixture)) ORDER BY part")
            #expect(parts.count == 3)
            var copied = 0
            for part in parts {
                let above = part[1].map { "(a, b) > (\($0), \(part[2]!))" } ?? "true"
                let done = try #require(part[5])
                // Every row of the part up to its checkpoint is in the load table, none after it.
                let range = "\(above) AND (a, b) <= ($1::integer, $2::integer)"
                let inPart = try await fixture.mirror(
                    "SELECT count(*)::text, (SELECT a || ',' || b FROM \(load) WHERE \(range) ORDER BY a DESC, b DESC LIMIT 1) FROM \(load) WHERE \(range)",
                    [done, part[6]])
                let expected = try await fixture.source.query(
                    "SELECT COUNT(*) FROM big WHERE \(above) AND (a, b) <= (\(done), \(part[6]!))").strings[0][0]
                #expect(inPart[0][0] == expected, "part \(part[0]!)")
                #expect(inPart[0][1] == "\(done),\(part[6]!)", "part \(part[0]!)")
                let beyond = try await fixture.mirror(
                    "SELECT count(*)::text FROM \(load) WHERE (a, b) > ($1::integer, $2::integer)" + (part[3].map { " AND (a, b) <= (\($0), \(part[4]!))" } ?? ""),
                    [done, part[6]])
                #expect(beyond == [["0"]], "part \(part[0]!) holds rows past its checkpoint")
                copied += Int(inPart[0][0]!)!
            }
            #expect(copied < Self.rows, "the kill came too late to interrupt anything")

            let resumed = try #require(try await fixture.sync()["big"])
            #expect(resumed.kind == .reload)
            #expect(resumed.rows == Self.rows - copied)
            #expect(try await fixture.mirror("SELECT count(*)::text, count(DISTINCT (a, b))::text FROM big") == [[String(Self.rows), String(Self.rows)]])
            #expect(try await fixture.verify("big").isEqual)
            #expect(try await fixture.mirror("SELECT count(*)::text FROM \(Self.parts(fixture))") == [["0"]])
        }
    }
}
