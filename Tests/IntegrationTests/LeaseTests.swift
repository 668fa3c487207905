import Foundation
import PostgresClient
import S2PGCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Two s2pg processes on one target: every table is worked on by one of them at a time, and the mirror
/// ends up equal to its source whoever got there first. Reloads commit every 2,000 rows here, so that one
/// lasts long enough for the other process to meet it on a busy machine.
@Suite("Table leases", .enabled(if: LiveDatabases.enabled))
struct LeaseTests {
    /// Rows of `big` in the mirror, and how many distinct keys they have.
    static func counts(_ fixture: SyncFixture) async throws -> [[String?]] {
        try await fixture.mirror("SELECT count(*)::text, count(DISTINCT id)::text FROM big")
    }

    static func stateColumn(_ fixture: SyncFixture, _ column: String) async throws -> String? {
        let table = PostgresIdentifier.qualified(fixture.configuration.target.stateSchema, "table_state")
        return try await fixture.mirror("SELECT \(column)::text FROM \(table) WHERE source_table = 'big'").first?[0]
    }

    @Test("a held table: sync skips it and syncs the rest, full-load and reset wait and then fail, status names the holder")
    func heldTable() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE a (id INT NOT NULL PRIMARY KEY, v INT)")
            try await fixture.source.execute("CREATE TABLE b (id INT NOT NULL PRIMARY KEY, v INT)")
            try await fixture.source.execute("INSERT INTO a VALUES (1, 1)")
            try await fixture.source.execute("INSERT INTO b VALUES (1, 1)")
            try await fixture.sync()
            try await fixture.source.execute("INSERT INTO a VALUES (2, 2)")
            try await fixture.source.execute("INSERT INTO b VALUES (2, 2)")

            let holder = try await PostgresConnection.connect(try LiveDatabases.postgres())
            let lease = TableLease(schema: fixture.configuration.target.stateSchema, table: "a")
            try await lease.acquire(as: TableLease.Identity(command: "test"), on: holder, wait: nil)
            let me = "s2pg test (pid \(ProcessInfo.processInfo.processIdentifier) on \(ProcessInfo.processInfo.hostName), since "
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }

            let sync = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            #expect(sync.status == 0, "\(sync.output)\(sync.error)")
            #expect(sync.output.contains("SKIPPED: table a is held by \(me)"), "\(sync.output)")
            #expect(sync.output.contains("1 of 2 tables skipped, held by another s2pg process: a"))
            #expect(try await fixture.mirror("SELECT count(*)::text FROM a") == [["1"]])
            #expect(try await fixture.mirror("SELECT count(*)::text FROM b") == [["2"]])

            let status = try await S2PGProcess.run(["status", "--config", file.path], environment: environment)
            #expect(status.output.contains("being worked on by \(me)"), "\(status.output)")

            let started = ContinuousClock.now
            let fullLoad = try await S2PGProcess.run(["full-load", "--table", "a", "--wait", "1", "--config", file.path], environment: environment)
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(fullLoad.status != 0)
            #expect(fullLoad.output.contains("table a is held by \(me)"), "\(fullLoad.output)")
            #expect(fullLoad.output.contains("gave up after 1 s (--wait)"))
            let reset = try await S2PGProcess.run(["reset", "--table", "a", "--wait", "1", "--config", file.path], environment: environment)
            #expect(reset.status != 0)
            #expect(reset.error.contains("gave up after 1 s (--wait)"), "\(reset.error)")
            #expect(try await fixture.state("a").lastSuccessAt != nil)

            // Given back: the next full-load takes it at once.
            try await lease.release(on: holder)
            let status2 = try await S2PGProcess.run(["status", "--config", file.path], environment: environment)
            #expect(!status2.output.contains("being worked on"))
            let loaded = try await S2PGProcess.run(["full-load", "--table", "a", "--config", file.path], environment: environment)
            #expect(loaded.status == 0, "\(loaded.output)\(loaded.error)")
            #expect(try await fixture.verify("a").isEqual)
        }
    }

    @Test("two syncs started at the same moment, and one started in the middle of the other's reload")
    func twoSyncs() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 2000)) { fixture in
            try await CrashTests.createBig(fixture)
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            // At the same moment: one reloads; the other either finds it held and skips it, or (on a slow
            // machine, after the first is done) syncs it incrementally. Never both at once.
            async let first = S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            async let second = S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            let outcomes = try await [first, second]
            #expect(outcomes.allSatisfy { $0.status == 0 }, "\(outcomes.map { $0.output + $0.error })")
            let reloaded = outcomes.filter { $0.output.contains("big                            reload") }
            let other = outcomes.filter { !$0.output.contains("big                            reload") }
            #expect(reloaded.count == 1, "\(outcomes.map(\.output))")
            #expect(other.count == 1 && (other[0].output.contains("SKIPPED: table big is held by s2pg sync (pid ")
                || other[0].output.contains("big                            incremental")), "\(outcomes.map(\.output))")
            #expect(try await Self.counts(fixture) == [[String(CrashTests.rows), String(CrashTests.rows)]])
            #expect(try await fixture.verify("big").isEqual)

            // In the middle of a reload: the second names the first and skips the table.
            let log = FileManager.default.temporaryDirectory.appendingPathComponent(LiveDatabases.uniqueName("sync") + ".log")
            defer { try? FileManager.default.removeItem(at: log) }
            let reloading = try S2PGProcess.start(["full-load", "--config", file.path], environment: environment, log: log)
            try await CrashTests.waitUntil { try await Self.stateColumn(fixture, "full_load_key") != nil }
            let skipping = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            await S2PGProcess.waitForExit(reloading)
            let logged = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(reloading.terminationStatus == 0, "\(logged)")
            #expect(skipping.status == 0, "\(skipping.output)\(skipping.error)")
            #expect(skipping.output.contains("SKIPPED: table big is held by s2pg full-load (pid \(reloading.processIdentifier) on "),
                    "\(skipping.output)")
            #expect(try await Self.counts(fixture) == [[String(CrashTests.rows), String(CrashTests.rows)]])
            #expect(try await fixture.verify("big").isEqual)
        }
    }

    @Test("run reloading a table, with a manual sync and a full-load of it in the middle: the sync skips it, the full-load waits")
    func runWithSyncAndFullLoad() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 2000)) { fixture in
            try await CrashTests.createBig(fixture)
            try await fixture.source.execute("CREATE TABLE small (id INT NOT NULL PRIMARY KEY, v INT)")
            try await fixture.source.execute("INSERT INTO small VALUES (1, 1)")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let log = FileManager.default.temporaryDirectory.appendingPathComponent(LiveDatabases.uniqueName("run") + ".log")
            defer { try? FileManager.default.removeItem(at: log) }
            let run = try S2PGProcess.start(["run", "--interval", "1s", "--config", file.path], environment: environment, log: log)
            defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
            try await CrashTests.waitUntil { try await Self.stateColumn(fixture, "full_load_key") != nil }

            // Mid-reload, a manual sync: `big` skipped, naming run; `small` is free or already done.
            let sync = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            #expect(sync.status == 0, "\(sync.output)\(sync.error)")
            #expect(sync.output.contains("SKIPPED: table big is held by s2pg run (pid \(run.processIdentifier) on "), "\(sync.output)")

            // Still mid-reload (or just after), a full-load of it waits for run, then reloads it from scratch.
            try await fixture.source.execute("UPDATE big SET payload = 'v2' WHERE id <= 10")
            let fullLoad = try await S2PGProcess.run(
                ["full-load", "--table", "big", "--wait", "120", "--config", file.path], environment: environment)
            #expect(fullLoad.status == 0, "\(fullLoad.output)\(fullLoad.error)")
            #expect(fullLoad.output.contains("big                            reload"), "\(fullLoad.output)")
            #expect(try await fixture.mirror("SELECT count(*)::text FROM big WHERE payload = 'v2'") == [["10"]])

            kill(run.processIdentifier, SIGTERM)
            await S2PGProcess.waitForExit(run)
            #expect(run.terminationStatus == 0)
            #expect(try await Self.counts(fixture) == [[String(CrashTests.rows), String(CrashTests.rows)]])
            #expect(try await fixture.verify("big").isEqual)
            #expect(try await fixture.verify("small").isEqual)
            let logged = try String(contentsOf: log, encoding: .utf8)
            #expect(!logged.contains("table failed"), "\(logged)")
        }
    }

    @Test("kill -9 of the holder ends its lease: the next sync resumes the reload at once")
    func killedHolder() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 5000)) { fixture in
            try await CrashTests.createBig(fixture)
            try await CrashTests.start(["sync"], fixture, signal: SIGKILL, when: "full_load_key")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            // The server notices the dead client within moments; until then the table is skipped.
            var rerun = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            let deadline = ContinuousClock.now + .seconds(10)
            while rerun.output.contains("SKIPPED"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                rerun = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            }
            #expect(rerun.status == 0, "\(rerun.output)\(rerun.error)")
            #expect(rerun.output.contains("big                            reload"), "\(rerun.output)")
            #expect(try await Self.counts(fixture) == [[String(CrashTests.rows), String(CrashTests.rows)]])
        }
    }

    @Test("a reload whose rows cannot be keyed is started over by the next sync, which says why")
    func brokenReload() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 5000)) { fixture in
            try await CrashTests.createBig(fixture)
            try await CrashTests.start(["sync"], fixture, signal: SIGKILL, when: "full_load_key")
            let loadTable = try #require(try await fixture.state("big").fullLoadTable)
            // What two writers at once used to leave behind: a row loaded twice.
            let load = PostgresIdentifier.qualified(fixture.schema, loadTable)
            try await fixture.target.execute("INSERT INTO \(load) SELECT * FROM \(load) LIMIT 1")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }

            let broken = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            #expect(broken.status != 0)
            #expect(broken.output.contains("the reloaded rows could not be given their primary key"), "\(broken.output)")
            #expect(broken.output.contains("the next sync starts the reload over"))
            let state = try await fixture.state("big")
            #expect(state.lastError?.contains("Key (id)") == false)
            #expect(state.fullLoadTable == nil)

            let again = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            #expect(again.status == 0, "\(again.output)\(again.error)")
            #expect(again.error.contains("reloading: the previous reload could not be finished"), "\(again.error)")
            #expect(try await Self.counts(fixture) == [[String(CrashTests.rows), String(CrashTests.rows)]])
            #expect(try await fixture.verify("big").isEqual)
        }
    }
}
