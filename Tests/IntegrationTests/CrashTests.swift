import Foundation
import PostgresClient
import S2PGCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` in the middle of a large sync, then a rerun: nothing lost, nothing duplicated, and the
/// checkpoint never ahead of the data it describes.
@Suite("Crash and resume", .enabled(if: LiveDatabases.enabled))
struct CrashTests {
    static let rows = 300_000
    /// A keyless table's rows: its reload copies them in about a second, and its ids and swap take a moment.
    static let keylessRows = 100_000

    /// Polls `condition` every 10 ms for up to `seconds`; an error (the state schema not there yet) counts
    /// as no. Past the deadline, or as soon as the s2pg `process` it waits on has exited, it records which
    /// condition (`what`) never held, with the end of that process's `log`, and throws.
    static func waitUntil(
        _ what: String = "the condition", within seconds: Int = 60, on process: Process? = nil, log: URL? = nil,
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while await !((try? condition()) ?? false) {
            let exited = process.map { !$0.isRunning } ?? false
            guard ContinuousClock.now < deadline, !exited else {
                let output = log.flatMap { try? String(contentsOf: $0, encoding: .utf8) }.map { "\n" + $0.suffix(4000) } ?? ""
                Issue.record("\(exited ? "s2pg exited first" : "not within \(seconds) s"): \(what)\(output)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Starts s2pg with `arguments` and sends it `signal` as soon as the state column `column` of table `big`
    /// is set (waiting up to 3 minutes: the whole suite runs at once on two cores); returns the process once
    /// it has ended.
    @discardableResult
    static func start(
        _ arguments: [String], _ fixture: SyncFixture, signal: Int32, when column: String
    ) async throws -> Process {
        let (file, environment) = try fixture.configurationFile()
        defer { try? FileManager.default.removeItem(at: file) }
        let stateTable = PostgresIdentifier.qualified(fixture.configuration.target.stateSchema, "table_state")
        let process = try S2PGProcess.start(arguments + ["--config", file.path], environment: environment)
        try await waitUntil(within: 180) {
            let value = try await fixture.mirror("SELECT \(column)::text FROM \(stateTable) WHERE source_table = 'big'").first?[0]
            return value != nil && value != "{}"
        }
        kill(process.processIdentifier, signal)
        await S2PGProcess.waitForExit(process)
        return process
    }

    /// The `big` table of `rows` rows, one a second from 2025-10-01, indexed on updated_at.
    static func createBig(_ fixture: SyncFixture) async throws {
        try await fixture.source.execute(
            "CREATE TABLE big (id INT NOT NULL PRIMARY KEY, payload VARCHAR(100), updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
        try await fixture.source.execute(
            "INSERT INTO big SELECT seq, CONCAT('v1 ', MD5(seq)), TIMESTAMP('2025-10-01') + INTERVAL seq SECOND FROM seq_1_to_\(rows)")
    }

    @Test("kill -9 during a full-mode table's repair, then rerun: what was committed is kept, the rest repaired")
    func killDuringRepair() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE big (id INT NOT NULL PRIMARY KEY, payload VARCHAR(100))")
            try await fixture.source.execute("INSERT INTO big SELECT seq, MD5(seq) FROM seq_1_to_\(Self.rows)")
            try await fixture.sync()
            // Behind s2pg's back: half the rows changed, a fifth deleted (under the delete guard's half).
            try await fixture.source.execute("UPDATE big SET payload = CONCAT('v2 ', payload) WHERE id % 2 = 0")
            try await fixture.source.execute("DELETE FROM big WHERE id % 5 = 1")
            try await Self.start(["sync"], fixture, signal: SIGKILL, when: "NULLIF(rows_deleted, 0)")
            let deleted = try await fixture.state("big").rowsDeleted
            #expect(deleted < Self.rows / 5, "the kill came too late to interrupt anything")
            let result = try #require(try await fixture.sync()["big"])
            #expect(result.kind == .reconcile)
            #expect(result.deleted == Self.rows / 5 - deleted)
            #expect(try await fixture.state("big").rowsDeleted == Self.rows / 5)
            #expect(try await fixture.verify("big").isEqual)
        }
    }

    /// `granted`: the mirror carries a grant, so a reload merges into it instead of swapping it.
    @Test("kill -9 at any moment of a keyless table's reload, the source changing between: the next sync's mirror is the source's",
          arguments: [false, true])
    func killKeylessReload(granted: Bool) async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 5000)) { fixture in
            try await fixture.source.execute("CREATE TABLE big (id INT NOT NULL, payload VARCHAR(100))")
            try await fixture.source.execute("INSERT INTO big SELECT seq, MD5(seq) FROM seq_1_to_\(Self.keylessRows)")
            try await fixture.sync()
            if granted { _ = try await fixture.mirror("GRANT SELECT ON \(PostgresIdentifier.qualified(fixture.schema, "big")) TO PUBLIC") }
            // Each round changes the source (the next sync reloads), then kills a sync a little later into
            // its reload than the round before: while copying (after it began), then after its rows are all
            // copied (while giving them their ids, keying them, swapping).
            let moments: [(copied: Bool, delay: Int)] = [(false, 0), (false, 300), (true, 0), (true, 50), (true, 150), (true, 300)]
            for (round, moment) in moments.enumerated() {
                let base = Self.keylessRows + round * 10_000
                try await fixture.source.execute("DELETE FROM big WHERE id % 97 = \(round)")
                try await fixture.source.execute("INSERT INTO big SELECT \(base) + seq, MD5(seq) FROM seq_1_to_3000")
                try await fixture.source.execute("INSERT INTO big SELECT id, payload FROM big WHERE id % 101 = \(round) LIMIT 200")
                let (file, environment) = try fixture.configurationFile()
                defer { try? FileManager.default.removeItem(at: file) }
                let log = FileManager.default.temporaryDirectory.appendingPathComponent(LiveDatabases.uniqueName("s2pg") + ".log")
                defer { try? FileManager.default.removeItem(at: log) }
                let process = try S2PGProcess.start(["sync", "--config", file.path], environment: environment, log: log)
                let stateTable = PostgresIdentifier.qualified(fixture.configuration.target.stateSchema, "table_state")
                let sourceRows = try await fixture.source.query("SELECT COUNT(*) FROM big").strings[0][0]
                try await Self.waitUntil("round \(round)'s moment", within: 180, on: process, log: log) {
                    guard let load = try await fixture.mirror("SELECT full_load_table FROM \(stateTable) WHERE source_table = 'big'").first?[0]
                    else { return false }
                    guard moment.copied else { return true }
                    let table = PostgresIdentifier.qualified(fixture.schema, load)
                    return try await fixture.mirror("SELECT count(*)::text FROM \(table)").first?[0] == sourceRows
                }
                try await Task.sleep(for: .milliseconds(moment.delay))
                kill(process.processIdentifier, SIGKILL)
                await S2PGProcess.waitForExit(process)
                // The killed process's backend runs its statement to the end before it finds its client gone,
                // holding the table's lease until then (a sync meanwhile skips the table).
                let lease = TableLease(schema: fixture.configuration.target.stateSchema, table: "big")
                try await Self.waitUntil("round \(round)'s lease freed") {
                    guard try await fixture.mirror("SELECT pg_try_advisory_lock($1)::text", [String(lease.key)]) == [["true"]] else { return false }
                    _ = try await fixture.mirror("SELECT pg_advisory_unlock($1)", [String(lease.key)])
                    return true
                }
            }
            try await fixture.sync()
            let source = try await fixture.source.query("SELECT COUNT(*), COUNT(DISTINCT id, payload) FROM big").strings
            #expect(try await fixture.mirror("SELECT count(*)::text, count(DISTINCT (id, payload))::text FROM big") == source)
            #expect(try await fixture.verify("big").isEqual)
            if granted {
                #expect(try await fixture.mirror("SELECT has_table_privilege('public', $1, 'SELECT')::text", [fixture.schema + ".big"]) == [["true"]])
            }
        }
    }

    @Test("kill -9 during a reload and during incremental pages, then rerun")
    func killAndResume() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 5000)) { fixture in
            try await Self.createBig(fixture)

            // 1. Killed during the first load (a reload, committed chunk by chunk).
            try await Self.start(["sync"], fixture, signal: SIGKILL, when: "full_load_key")
            let interrupted = try await fixture.state("big")
            let loadTable = try #require(interrupted.fullLoadTable)
            let lastKey = try #require(interrupted.fullLoadKey?.first.flatMap { Int($0) })
            #expect(lastKey < Self.rows, "the kill came too late to interrupt anything")
            // The checkpoint is exactly the committed data: every row up to it, none after.
            let loaded = try await fixture.mirror(
                "SELECT count(*)::text, max(id)::text FROM \(PostgresIdentifier.qualified(fixture.schema, loadTable))")
            #expect(loaded == [[String(lastKey), String(lastKey)]])

            let resumed = try #require(try await fixture.sync()["big"])
            #expect(resumed.kind == .reload)
            #expect(resumed.rows == Self.rows - lastKey)
            #expect(try await fixture.mirror("SELECT count(*)::text, count(DISTINCT id)::text FROM big") == [[String(Self.rows), String(Self.rows)]])
            #expect(try await fixture.verify("big").isEqual)

            // 2. Killed between incremental pages: every row is changed, all with one updated_at.
            try await fixture.source.execute("UPDATE big SET payload = CONCAT('v2 ', MD5(id)), updated_at = NOW(6)")
            try await Self.start(["sync"], fixture, signal: SIGKILL, when: "cursor_key")
            let cursorKey = try #require(try await fixture.state("big").cursorKey?.first.flatMap { Int($0) })
            #expect(cursorKey < Self.rows, "the kill came too late to interrupt anything")
            // Rows up to the cursor carry the new value, rows after it the old one: no more, no less.
            let split = try await fixture.mirror(
                "SELECT count(*) FILTER (WHERE payload LIKE 'v2 %')::text, max(id) FILTER (WHERE payload LIKE 'v2 %')::text FROM big")
            #expect(split == [[String(cursorKey), String(cursorKey)]])

            let finished = try #require(try await fixture.sync()["big"])
            #expect(finished.kind == .incremental)
            #expect(finished.rows == Self.rows - cursorKey)
            #expect(try await fixture.mirror("SELECT count(*)::text FROM big WHERE payload LIKE 'v2 %'") == [[String(Self.rows)]])
            #expect(try await fixture.verify("big").isEqual)
        }
    }

    @Test("SIGTERM during a reload and during incremental pages: s2pg stops at a commit, a rerun completes")
    func terminateAndResume() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 5000)) { fixture in
            try await Self.createBig(fixture)

            // 1. Stopped during the first load: the reload is left to resume, the mirror not swapped for a part.
            let loading = try await Self.start(["run", "--interval", "1s"], fixture, signal: SIGTERM, when: "full_load_key")
            #expect(loading.terminationReason == .exit && loading.terminationStatus == 0)
            let interrupted = try await fixture.state("big")
            let loadTable = try #require(interrupted.fullLoadTable)
            let lastKey = try #require(interrupted.fullLoadKey?.first.flatMap { Int($0) })
            #expect(lastKey < Self.rows, "the signal came too late to interrupt anything")
            #expect(try await fixture.mirror(
                "SELECT count(*)::text FROM \(PostgresIdentifier.qualified(fixture.schema, loadTable))") == [[String(lastKey)]])
            #expect(interrupted.cursorUpdatedAt == nil)

            let resumed = try #require(try await fixture.sync()["big"])
            #expect(resumed.kind == .reload)
            #expect(resumed.rows == Self.rows - lastKey)
            #expect(try await fixture.verify("big").isEqual)

            // 2. Stopped between incremental pages: the pages before the signal are committed, none after.
            try await fixture.source.execute("UPDATE big SET payload = CONCAT('v2 ', MD5(id)), updated_at = NOW(6)")
            let paging = try await Self.start(["run", "--interval", "1s"], fixture, signal: SIGTERM, when: "cursor_key")
            #expect(paging.terminationReason == .exit && paging.terminationStatus == 0)
            let cursorKey = try #require(try await fixture.state("big").cursorKey?.first.flatMap { Int($0) })
            #expect(cursorKey < Self.rows, "the signal came too late to interrupt anything")
            #expect(cursorKey % 5000 == 0, "stopped inside a page")
            let split = try await fixture.mirror(
                "SELECT count(*) FILTER (WHERE payload LIKE 'v2 %')::text, max(id) FILTER (WHERE payload LIKE 'v2 %')::text FROM big")
            #expect(split == [[String(cursorKey), String(cursorKey)]])

            let finished = try #require(try await fixture.sync()["big"])
            #expect(finished.rows == Self.rows - cursorKey)
            #expect(try await fixture.verify("big").isEqual)
        }
    }
}
