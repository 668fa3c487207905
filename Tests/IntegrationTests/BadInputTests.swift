import Foundation
import MariaDBClient
import PostgresClient
import Testing

@testable import S2PGCore

/// Bad configuration, dropped tables and columns, cut connections: clear messages, nothing written before
/// the input is known to be good, and no row values where they do not belong.
@Suite("Bad input", .enabled(if: LiveDatabases.enabled))
struct BadInputTests {
    static func stateSchemaExists(_ fixture: SyncFixture) async throws -> Bool {
        try await fixture.mirror("SELECT to_regnamespace($1) IS NOT NULL", [fixture.configuration.target.stateSchema]) == [["t"]]
    }

    @Test("an unknown table or a nullable or missing sync.keys column is refused, and a reset of a table never synced ends, before anything is written to the target")
    func refusedBeforeWriting() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE events (id INT, v INT)")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let unknown = try await S2PGProcess.run(["sync", "--table", "evnets", "--config", file.path], environment: environment)
            #expect(unknown.status != 0)
            #expect(unknown.error.contains("--table evnets: no such table"), "\(unknown.error)")
            #expect(try await !Self.stateSchemaExists(fixture))

            let reset = try await S2PGProcess.run(["reset", "--table", "evnets", "--config", file.path], environment: environment)
            #expect(reset.status == 0, "\(reset.error)")
            #expect(reset.output.contains("evnets: no state (never synced)"))
            #expect(try await !Self.stateSchemaExists(fixture))

            for keys in [["id"], ["event_id"]] {
                var configuration = fixture.configuration
                configuration.sync.keys = ["events": keys]
                await #expect(throws: S2PGError.self) {
                    try await Replicator(configuration: configuration, logger: SyncFixture.logger).sync()
                }
                #expect(try await !Self.stateSchemaExists(fixture))
                #expect(try await fixture.mirror("SELECT to_regclass('events') IS NOT NULL") == [["f"]])
            }
        }
    }

    @Test("s2pg run stops at once on a configuration the source contradicts, instead of retrying it forever")
    func runStopsOnConfigurationError() async throws {
        try await SyncFixture.with { fixture in
            fixture.configuration.sync.tables = ["nosuch"]
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let started = ContinuousClock.now
            let run = try await S2PGProcess.run(["run", "--interval", "1s", "--config", file.path], environment: environment)
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(run.status != 0)
            #expect(run.error.contains("sync.tables names nosuch"), "\(run.error)")
            #expect(try await !Self.stateSchemaExists(fixture))
        }
    }

    @Test("info logs carry no key values; debug logs do")
    func noValuesInInfoLogs() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 2)) { fixture in
            try await fixture.source.execute("CREATE TABLE secrets (code VARCHAR(40) NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO secrets VALUES ('KEY-VALUE-1', NOW(6) - INTERVAL 1 MINUTE)")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let first = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            #expect(first.status == 0, "\(first.error)")
            try await fixture.source.execute("INSERT INTO secrets VALUES ('KEY-VALUE-2', NOW(6)), ('KEY-VALUE-3', NOW(6)), ('KEY-VALUE-4', NOW(6))")
            let info = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            #expect(info.status == 0, "\(info.error)")
            #expect(info.error.contains("Fetched and upserted 2 rows"))
            #expect(!info.error.contains("KEY-VALUE"), "\(info.error)")
            try await fixture.source.execute("UPDATE secrets SET updated_at = NOW(6)")
            let debug = try await S2PGProcess.run(["sync", "--log-level", "debug", "--config", file.path], environment: environment)
            #expect(debug.error.contains("KEY-VALUE-2"))
        }
    }

    @Test("a source connection cut mid-read is reported as such, without the query's values")
    func connectionCutMidRead() async throws {
        try await LiveDatabases.withMariaDB { connection in
            let admin = try await MariaDBConnection.connect(try LiveDatabases.mariaDB())
            let id = try await connection.query("SELECT CONNECTION_ID()").strings[0][0]!
            let reader = Task {
                try await connection.stream("SELECT seq, 'KEY-VALUE-9' FROM seq_1_to_100000000 WHERE seq > 4711") { _ in }
            }
            try await Task.sleep(for: .milliseconds(300))
            try await admin.execute("KILL \(id)")
            let error = await #expect(throws: MariaDBError.self) { try await reader.value }
            #expect(error?.code == .connectionLost)
            #expect(error?.description.contains("the connection was closed while a result was being read") == true, "\(error.map { "\($0)" } ?? "")")
            #expect(error?.description.contains("KEY-VALUE-9") == false)
            #expect(error?.description.contains("4711") == false)
        }
    }

    @Test("a table dropped at the source: its mirror is kept, and sync, status and verify say since when")
    func droppedTable() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE kept (id INT NOT NULL PRIMARY KEY, v INT)")
            try await fixture.source.execute("CREATE TABLE other (id INT NOT NULL PRIMARY KEY, v INT)")
            try await fixture.source.execute("INSERT INTO kept VALUES (1, 1), (2, 2)")
            try await fixture.source.execute("INSERT INTO other VALUES (1, 1)")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            #expect(try await S2PGProcess.run(["sync", "--config", file.path], environment: environment).status == 0)
            try await fixture.source.execute("RENAME TABLE kept TO kept_old")
            try await fixture.source.execute("DROP TABLE kept_old")

            for _ in 0..<2 {
                let pass = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
                #expect(pass.status == 0, "\(pass.output)\(pass.error)")
                #expect(pass.error.contains("source table kept is missing since "), "\(pass.error)")
            }
            let since = try #require(try await fixture.state("kept").sourceMissingSince)
            #expect(try await fixture.mirror("SELECT count(*)::text FROM kept") == [["2"]])
            let status = try await S2PGProcess.run(["status", "--config", file.path], environment: environment)
            #expect(status.output.contains("source table missing since \(since)"), "\(status.output)")
            let verify = try await S2PGProcess.run(["verify", "--config", file.path], environment: environment)
            #expect(verify.status == 0, "\(verify.output)")
            #expect(verify.output.contains("kept: source table missing since \(since)"), "\(verify.output)")

            // Back at the source: synced again, no longer missing.
            try await fixture.source.execute("CREATE TABLE kept (id INT NOT NULL PRIMARY KEY, v INT)")
            try await fixture.source.execute("INSERT INTO kept VALUES (3, 3)")
            let back = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            #expect(!back.error.contains("missing"))
            #expect(try await fixture.state("kept").sourceMissingSince == nil)
            #expect(try await fixture.verify("kept").isEqual)
        }
    }

    @Test("a column dropped at the source keeps its values in the mirror, also through the refill an added column causes")
    func droppedColumnSurvivesRefill() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute(
                "CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR(20), fax VARCHAR(20), updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute(
                "INSERT INTO customers SELECT seq, CONCAT('c', seq), CONCAT('fax ', seq), NOW(6) - INTERVAL 1 MINUTE FROM seq_1_to_50")
            try await fixture.sync()
            try await fixture.source.execute("ALTER TABLE customers DROP COLUMN fax")
            try await fixture.source.execute("UPDATE customers SET name = 'renamed', updated_at = NOW(6) WHERE id = 1")
            try await fixture.sync()
            try await fixture.source.execute("ALTER TABLE customers ADD COLUMN email VARCHAR(40) NOT NULL DEFAULT 'none'")
            #expect(try await fixture.sync()["customers"]?.kind == .reload)
            #expect(try await fixture.mirror("SELECT count(*)::text, count(fax)::text, count(*) FILTER (WHERE fax = 'fax ' || id)::text FROM customers")
                == [["50", "50", "50"]])
            #expect(try await fixture.mirror("SELECT name, email, fax FROM customers WHERE id = 1") == [["renamed", "none", "fax 1"]])
            #expect(try await fixture.verify("customers").isEqual)
        }
    }
}
