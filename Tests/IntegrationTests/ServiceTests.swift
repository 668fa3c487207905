import Foundation
import MariaDBClient
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `s2pg run` as a service: its metrics and health probes over HTTP, its JSON logs, its sub-second interval.
@Suite("s2pg run as a service", .enabled(if: LiveDatabases.enabled))
struct ServiceTests {
    /// How long a running s2pg may take to get somewhere: passes every 200 ms, but the whole suite runs at
    /// once on two cores, and its first minute (every test loading its tables) is the busiest.
    static let deadline = 120

    static func get(_ port: Int, _ path: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// The value of the sample `series` (`name{labels}`) in Prometheus text, checking every line's shape.
    static func sample(_ text: String, _ series: String) throws -> Double? {
        var found: Double?
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            #expect(parts.count == 2 && Double(parts[1]) != nil && parts[0].first?.isLetter == true, "not a sample: \(line)")
            if parts.count == 2, parts[0] == series { found = Double(parts[1]) }
        }
        return found
    }

    @Test("a metrics address that cannot be listened on stops run at once, saying which")
    func metricsPortTaken() async throws {
        try await SyncFixture.with { fixture in
            let taken = try SilentListener()
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let run = try await S2PGProcess.run(["run", "--metrics", "127.0.0.1:\(taken.port)", "--config", file.path], environment: environment)
            #expect(run.status != 0)
            #expect(run.error.contains("cannot serve metrics on 127.0.0.1:\(taken.port)"), "\(run.error)")
        }
    }

    @Test("a table added and one dropped at the source while run runs: the new one is synced, the dropped one's mirror kept, still ready")
    func tablesComeAndGo() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE leaving (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            try await fixture.source.execute("INSERT INTO leaving VALUES (1, NOW(6))")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let log = FileManager.default.temporaryDirectory.appendingPathComponent(LiveDatabases.uniqueName("run") + ".log")
            defer { try? FileManager.default.removeItem(at: log) }
            let port = try SilentListener.closedPort()
            let run = try S2PGProcess.start(
                ["run", "--interval", "200ms", "--metrics", "127.0.0.1:\(port)", "--config", file.path], environment: environment, log: log)
            defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
            try await CrashTests.waitUntil("ready", within: Self.deadline, on: run, log: log) { try await Self.get(port, "/readyz").status == 200 }

            try await fixture.source.execute("CREATE TABLE arriving (id INT NOT NULL PRIMARY KEY, v VARCHAR(10), updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            try await fixture.source.execute("INSERT INTO arriving VALUES (1, 'a', NOW(6)), (2, 'b', NOW(6))")
            try await fixture.source.execute("DROP TABLE leaving")
            try await CrashTests.waitUntil("the new table synced", within: Self.deadline, on: run, log: log) {
                try await fixture.mirror("SELECT count(*)::text FROM arriving") == [["2"]]
            }
            try await CrashTests.waitUntil("the dropped table marked missing", within: Self.deadline, on: run, log: log) { try await fixture.state("leaving").sourceMissingSince != nil }
            // Three intervals later it is still ready: a table the source dropped is not one that fails.
            try await Task.sleep(for: .milliseconds(800))
            let ready = try await Self.get(port, "/readyz")
            #expect(ready.status == 200, "\(ready.body)")
            #expect(try await fixture.mirror("SELECT count(*)::text FROM leaving") == [["1"]])
            kill(run.processIdentifier, SIGTERM)
            await S2PGProcess.waitForExit(run)
            #expect(run.terminationStatus == 0)
        }
    }

    @Test("status: a table is current as of its last successful pass's start on the source's clock; a quiet one is not behind")
    func freshness() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE quiet (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            // Its newest row is a day old: the age of the newest row is not the mirror's lag.
            try await fixture.source.execute("INSERT INTO quiet VALUES (1, NOW(6) - INTERVAL 1 DAY)")
            let before = try await fixture.source.query("SELECT UTC_TIMESTAMP(6)").strings[0][0]!
            try await fixture.sync()
            try await fixture.sync()
            let state = try await fixture.state("quiet")
            let asOf = try #require(state.currentAsOf)
            #expect(asOf >= before, "\(asOf) before \(before)")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let status = try await S2PGProcess.run(["status", "--json", "--config", file.path], environment: environment)
            #expect(status.status == 0, "\(status.error)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])
            let table = try #require((report["tables"] as? [[String: Any]])?.first)
            let lag = try #require(table["lag_seconds"] as? Int)
            #expect(lag >= 0 && lag < 3600, "\(lag)")
            #expect((table["state"] as? [String: Any])?["current_as_of"] as? String == asOf)
        }
    }

    @Test("run --metrics: Prometheus text whose counters move with the data; /healthz; /readyz unready while the source is down and ready again after; JSON logs; a sub-second interval")
    func metricsAndHealth() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE ticks (id INT NOT NULL PRIMARY KEY, v INT, updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            try await fixture.source.execute("INSERT INTO ticks VALUES (1, 1, NOW(6)), (2, 2, NOW(6)), (3, 3, NOW(6))")
            // A login of its own, so that the source can be made to refuse s2pg alone.
            let user = LiveDatabases.uniqueName("ready")
            let database = fixture.configuration.source.connection.database!
            try await fixture.source.execute("CREATE USER \(MariaDBIdentifier.literal(user.utf8))@'%' IDENTIFIED BY 'ready-pw'")
            try await fixture.source.execute("GRANT ALL ON \(MariaDBIdentifier.quote(database)).* TO \(MariaDBIdentifier.literal(user.utf8))@'%'")
            // What s2pg asks for: PROCESS, to see the source's open transactions (without it reads stop 5 s
            // behind the clock, and rows are counted again).
            try await fixture.source.execute("GRANT PROCESS ON *.* TO \(MariaDBIdentifier.literal(user.utf8))@'%'")
            defer { Task { [source = fixture.source] in _ = try? await source.execute("DROP USER \(MariaDBIdentifier.literal(user.utf8))@'%'") } }
            fixture.configuration.source.connection.user = user
            fixture.configuration.source.connection.password = "ready-pw"
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let log = FileManager.default.temporaryDirectory.appendingPathComponent(LiveDatabases.uniqueName("run") + ".log")
            defer { try? FileManager.default.removeItem(at: log) }
            let port = try SilentListener.closedPort()
            let started = ContinuousClock.now
            let run = try S2PGProcess.start(
                ["run", "--interval", "200ms", "--metrics", "127.0.0.1:\(port)", "--log-format", "json", "--log-level", "debug",
                 "--config", file.path], environment: environment, log: log)
            defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }

            try await CrashTests.waitUntil("ready", within: Self.deadline, on: run, log: log) { try await Self.get(port, "/readyz").status == 200 }
            #expect(try await Self.get(port, "/healthz").status == 200)
            #expect(try await Self.get(port, "/nothing").status == 404)
            let first = try await Self.get(port, "/metrics")
            #expect(first.status == 200)
            #expect(try Self.sample(first.body, #"s2pg_rows_applied_total{table="ticks"}"#) == 3)
            #expect(try Self.sample(first.body, #"s2pg_table_freshness_seconds{table="ticks"}"#) ?? -1 >= 0)
            try await fixture.source.execute("INSERT INTO ticks VALUES (4, 4, NOW(6)), (5, 5, NOW(6))")
            try await CrashTests.waitUntil("the new rows counted", within: Self.deadline, on: run, log: log) {
                try Self.sample(try await Self.get(port, "/metrics").body, #"s2pg_rows_applied_total{table="ticks"}"#) == 5
            }

            // The source refuses s2pg: its sessions are ended (run keeps its connections between passes) and
            // new ones refused, every pass fails, and after 3 intervals it is no longer ready.
            try await fixture.source.execute("ALTER USER \(MariaDBIdentifier.literal(user.utf8))@'%' ACCOUNT LOCK")
            for session in try await fixture.source.query(
                "SELECT id FROM information_schema.processlist WHERE user = \(MariaDBIdentifier.literal(user.utf8))").strings {
                _ = try? await fixture.source.execute("KILL CONNECTION \(Int(session[0]!)!)")
            }
            try await CrashTests.waitUntil("unready", within: Self.deadline, on: run, log: log) { try await Self.get(port, "/readyz").status == 503 }
            #expect(try await Self.get(port, "/healthz").status == 200)
            try await fixture.source.execute("ALTER USER \(MariaDBIdentifier.literal(user.utf8))@'%' ACCOUNT UNLOCK")
            try await CrashTests.waitUntil("ready again", within: Self.deadline, on: run, log: log) { try await Self.get(port, "/readyz").status == 200 }

            kill(run.processIdentifier, SIGTERM)
            await S2PGProcess.waitForExit(run)
            #expect(run.terminationStatus == 0)
            let elapsed = ContinuousClock.now - started
            // Every line is one JSON object. Passes start every 200 ms (and at once after each of the two that
            // found rows): some less than a second apart, never more of them than the period allows.
            let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
            let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            #expect(objects.allSatisfy { $0["time"] is String && $0["level"] is String && $0["message"] is String })
            let passes = try objects.filter { ["pass done", "pass failed"].contains(($0["message"] as? String)?.prefix(11) ?? "") }.map {
                try Date($0["time"] as! String, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            }
            let gaps = zip(passes, passes.dropFirst()).map { $1.timeIntervalSince($0) }
            #expect(gaps.min() ?? 1 < 1, "\(gaps)")
            #expect(Double(passes.count) <= elapsed / .milliseconds(200) + 3, "\(passes.count) passes in \(elapsed)")
            #expect(objects.contains { $0["table.name"] as? String == "ticks" })
        }
    }
}
