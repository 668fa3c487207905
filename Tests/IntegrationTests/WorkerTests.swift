import Foundation
import PostgresClient
import S2PGCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Several `s2pg run` processes on one target share its tables (`WorkerRegistry`): each table synced by one
/// at a time, a worker killed mid-reload losing its tables to the others within its lease.
@Suite("Several workers", .enabled(if: LiveDatabases.enabled))
struct WorkerTests {
    static let lease = 3

    /// Creates `tables` at the source, with `rows` rows each, an hour old.
    static func create(_ tables: [String], rows: Int, _ fixture: SyncFixture) async throws {
        for table in tables {
            try await fixture.source.execute(
                "CREATE TABLE \(table) (id INT NOT NULL PRIMARY KEY, v VARCHAR(40), updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            try await fixture.source.execute("INSERT INTO \(table) SELECT seq, MD5(seq), NOW(6) - INTERVAL 1 HOUR FROM seq_1_to_\(rows)")
        }
    }

    /// Starts a worker: `s2pg run` every 200 ms with the configuration `file`.
    static func start(_ file: URL, _ environment: [String: String]) throws -> Process {
        try S2PGProcess.start(["run", "--interval", "200ms", "--config", file.path], environment: environment)
    }

    @Test("a worker that joins during another's long first load takes its share of the tables that load has not begun: each table loaded once")
    func joinDuringFirstLoad() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 5000, parallelTables: 1, workerLeaseSeconds: Self.lease)) { fixture in
            let tables = (1...16).map { String(format: "j%02d", $0) }
            try await Self.create(tables, rows: 25000, fixture)
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let history = PostgresIdentifier.qualified(fixture.configuration.target.stateSchema, "pass_history")
            // Alone, the first worker takes every table; it has loaded one of them when the second joins.
            let first = try Self.start(file, environment)
            defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
            try await CrashTests.waitUntil("the first worker loaded a table", within: 180, on: first) {
                try await fixture.mirror("SELECT count(*)::text FROM \(history) WHERE finished_at IS NOT NULL") != [["0"]]
            }
            let second = try Self.start(file, environment)
            defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
            let stateTable = PostgresIdentifier.qualified(fixture.configuration.target.stateSchema, "table_state")
            try await CrashTests.waitUntil("every table loaded", within: 180, on: second) {
                try await fixture.mirror("SELECT count(last_success_at)::text FROM \(stateTable)") == [[String(tables.count)]]
            }
            for worker in [first, second] { kill(worker.processIdentifier, SIGTERM) }
            for worker in [first, second] { await S2PGProcess.waitForExit(worker) }

            let loads = try await fixture.mirror("SELECT source_table, worker_id FROM \(history) WHERE kind = 'reload' ORDER BY source_table")
            #expect(loads.map { $0[0]! } == tables, "each table loaded once: \(loads)")
            let bySecond = loads.filter { $0[1]!.contains("/\(second.processIdentifier)/") }.map { $0[0]! }
            #expect(!bySecond.isEmpty, "the second worker loaded none of the tables: \(loads)")
            for table in tables {
                let report = try await fixture.verify(table)
                #expect(report.isEqual, "\(table): \(report.summary)")
            }
        }
    }

    @Test("three runs, 30 tables, the holder of a large table's reload killed with kill -9: taken over within the lease, every mirror equal, no table synced by two at once")
    func killedWorker() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 5000, parallelStreams: 2, workerLeaseSeconds: Self.lease)) { fixture in
            let small = (1...29).map { String(format: "t%02d", $0) }
            try await Self.create(small, rows: 50, fixture)
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let state = fixture.configuration.target.stateSchema
            var workers = [try Self.start(file, environment), try Self.start(file, environment), try Self.start(file, environment)]
            defer { for worker in workers where worker.isRunning { kill(worker.processIdentifier, SIGKILL) } }
            // All three share the tables: each holds some (one that started first took them all, and gave
            // back all but its share once the others had joined).
            try await CrashTests.waitUntil("each of the three workers holds tables", within: 180) {
                let held = try await fixture.mirror(
                    "SELECT count(DISTINCT worker_id)::text, count(*)::text FROM \(PostgresIdentifier.qualified(state, "assignments")) WHERE expires_at >= now()")
                return held == [["3", "29"]]
            }

            // A large table appears whole (renamed into place): one of them reloads it, in two parts.
            try await fixture.source.execute(
                "CREATE TABLE big_load (id INT NOT NULL PRIMARY KEY, payload VARCHAR(100), updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            try await fixture.source.execute(
                "INSERT INTO big_load SELECT seq, CONCAT('v1 ', MD5(seq)), TIMESTAMP('2025-10-01') + INTERVAL seq SECOND FROM seq_1_to_\(CrashTests.rows)")
            try await fixture.source.execute("ANALYZE TABLE big_load")
            try await fixture.source.execute("RENAME TABLE big_load TO big")
            let parts = PostgresIdentifier.qualified(state, "reload_parts")
            try await CrashTests.waitUntil("big's reload has copied rows", within: 180) {
                try await fixture.mirror("SELECT count(done_key)::text FROM \(parts) WHERE source_table = 'big'") == [["2"]]
            }
            let holder = try #require(try await TableLease.holders(schema: state, on: fixture.target)["big"])
            let victim = try #require(workers.firstIndex { Int($0.processIdentifier) == holder.pid })
            kill(workers[victim].processIdentifier, SIGKILL)
            await S2PGProcess.waitForExit(workers[victim])
            let killedAt = try #require(try await fixture.mirror("SELECT clock_timestamp()::text").first?[0])
            let killed = workers.remove(at: victim)
            #expect(try await fixture.state("big").fullLoadTable != nil, "the kill came too late to interrupt the reload")

            // Changes go on meanwhile, to tables of every worker.
            for table in small.prefix(10) {
                try await fixture.source.execute("UPDATE \(table) SET v = 'after the kill', updated_at = NOW(6) WHERE id <= 5")
            }
            try await CrashTests.waitUntil("big reloaded and the changes mirrored", within: 180) {
                let state = try await fixture.state("big")
                guard state.fullLoadTable == nil, state.lastSuccessAt != nil else { return false }
                for table in small.prefix(10) {
                    guard try await fixture.mirror("SELECT count(*)::text FROM \(table) WHERE v = 'after the kill'") == [["5"]] else { return false }
                }
                return true
            }

            // status lists the two live workers and what they hold.
            let status = try await S2PGProcess.run(["status", "--config", file.path], environment: environment)
            #expect(status.status == 0)
            for worker in workers { #expect(status.output.contains("pid \(worker.processIdentifier) on"), "\(status.output)") }
            #expect(!status.output.contains("pid \(killed.processIdentifier) on") || status.output.contains("EXPIRED"))

            for worker in workers { kill(worker.processIdentifier, SIGTERM) }
            for worker in workers { await S2PGProcess.waitForExit(worker) }
            // Stopped, they gave their tables back.
            let left = try await fixture.mirror("SELECT source_table, worker_id, (expires_at >= now())::text FROM \(PostgresIdentifier.qualified(state, "assignments"))")
            #expect(left.isEmpty, "\(left)")
            for table in small + ["big"] {
                let report = try await fixture.verify(table)
                #expect(report.isEqual, "\(table): \(report.summary)")
            }

            // The history: no table's passes overlap (a pass the killed worker died in ends at the latest at
            // the kill), and another worker took big over within the lease.
            let history = try await fixture.mirror(
                """
                SELECT source_table, worker_id, started_at::text, COALESCE(finished_at, $1::timestamptz)::text, kind, rows::text,
                       (started_at >= lag(COALESCE(finished_at, $1::timestamptz)) OVER (PARTITION BY source_table ORDER BY started_at)) IS NOT FALSE
                FROM \(PostgresIdentifier.qualified(state, "pass_history")) ORDER BY source_table, started_at
                """, [killedAt])
            // (big_load too, if a pass caught it before the rename.)
            #expect(Set(history.map { $0[0]! }).subtracting(["big_load"]) == Set(small + ["big"]))
            let overlapping = history.filter { $0[6] != "t" }
            #expect(overlapping.isEmpty, "passes overlapping the one before them: \(overlapping)")
            let takeover = try await fixture.mirror(
                """
                SELECT EXTRACT(EPOCH FROM started_at - $1::timestamptz)::float8::text, kind, rows::text FROM \(PostgresIdentifier.qualified(state, "pass_history"))
                WHERE source_table = 'big' AND started_at > $1::timestamptz ORDER BY started_at LIMIT 1
                """, [killedAt])
            let seconds = try #require(takeover.first?[0].flatMap(Double.init))
            // At most the lease (renewed every second until the kill), then a survivor's next pass, which a
            // loaded machine (the whole suite at once) can delay by a few seconds.
            #expect(seconds <= Double(Self.lease) + 4, "big was taken over \(seconds) s after the kill")
            #expect(takeover.first?[1] == "reload")
            // It resumed the killed worker's parts rather than starting over.
            #expect(try #require(takeover.first?[2].flatMap { Int($0) }) < CrashTests.rows)
        }
    }
}
