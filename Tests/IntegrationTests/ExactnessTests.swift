import Foundation
import MariaDBClient
import PostgresClient
@testable import S2PGCore
import Testing

/// The mirror is exact with the default configuration on ordinary schemas: whole-second `updated_at`
/// columns, transactions that commit late, rows no cursor sees (NULL, old or backdated `updated_at`,
/// cascades), and a pass that fails.
@Suite("Exact by default", .enabled(if: LiveDatabases.enabled))
struct ExactnessTests {
    /// Waits until the source's clock is early in a second, so that what follows happens within it.
    static func startOfSecond(_ fixture: SyncFixture) async throws -> String {
        while true {
            let now = try await fixture.source.query("SELECT NOW(6)").strings[0][0]!
            if now.hasSuffix("0") && Int(now.suffix(6).prefix(1))! < 2 { return String(now.prefix(19)) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test("a second write in the same whole second as a synced one arrives: the open tick is never read")
    func sameSecond() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute(
                "CREATE TABLE film (id INT NOT NULL PRIMARY KEY, title VARCHAR(20), updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)")
            try await fixture.source.execute("INSERT INTO film (id, title, updated_at) SELECT seq, 'old', NOW() - INTERVAL 1 HOUR FROM seq_1_to_5")
            try await fixture.sync()
            var tries = 0
            while true {
                tries += 1
                let second = try await Self.startOfSecond(fixture)
                try await fixture.source.execute("UPDATE film SET title = 'first' WHERE id = 5")
                try await fixture.sync()
                // Row 1, a smaller key, written later in the same second.
                try await fixture.source.execute("UPDATE film SET title = 'second' WHERE id = 1")
                let after = try await fixture.source.query("SELECT NOW(6)").strings[0][0]!
                if after.hasPrefix(second) || tries == 5 { break }
            }
            try await Task.sleep(for: .milliseconds(1100))
            try await fixture.sync()
            #expect(try await fixture.mirror("SELECT title FROM film WHERE id IN (1, 5) ORDER BY id") == [["second"], ["first"]])
            #expect(try await fixture.verify("film").isEqual)
        }
    }

    @Test("a pass that finds rows only in the open tick says when it ends, and they are read then")
    func waitingForTick() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute(
                "CREATE TABLE film (id INT NOT NULL PRIMARY KEY, updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)")
            try await fixture.source.execute("INSERT INTO film (id, updated_at) VALUES (1, NOW() - INTERVAL 1 HOUR)")
            try await fixture.sync()
            var waiting: TableSyncResult?
            for id in 2...6 where waiting == nil {
                let second = try await Self.startOfSecond(fixture)
                try await fixture.source.execute("INSERT INTO film (id) VALUES (\(id))")
                let result = try #require(try await fixture.sync()["film"])
                let after = try await fixture.source.query("SELECT NOW(6)").strings[0][0]!
                if after.hasPrefix(second) {
                    waiting = result
                } else {
                    // The pass ran into the next second: its row is read once that second has closed too.
                    try await Task.sleep(for: .seconds(1))
                    try await fixture.sync()
                }
            }
            let result = try #require(waiting, "no pass ran within the second of its row")
            #expect(result.rows == 0)
            let readableIn = try #require(result.readableIn)
            #expect(readableIn > .zero && readableIn <= .seconds(1))
            try await Task.sleep(for: readableIn + .milliseconds(10))
            #expect(try await fixture.sync()["film"]?.rows ?? 0 >= 1)
            #expect(try await fixture.verify("film").isEqual)
        }
    }

    @Test("a transaction that commits late is in the mirror after the next pass; until then the table shows it is held back")
    func lateCommit() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute(
                "CREATE TABLE accounts (id INT NOT NULL PRIMARY KEY, balance INT, updated_at DATETIME(6) NOT NULL DEFAULT NOW(6) ON UPDATE NOW(6), KEY (updated_at))")
            try await fixture.source.execute("INSERT INTO accounts (id, balance, updated_at) SELECT seq, 0, NOW(6) - INTERVAL 1 HOUR FROM seq_1_to_100")
            try await fixture.sync()
            // A batch job: updates row 1 and inserts row 10001, and stays open while other rows change.
            let job = try await MariaDBConnection.connect(fixture.configuration.source.connection)
            let thread = try await job.query("SELECT CONNECTION_ID()").strings[0][0]!
            try await job.execute("START TRANSACTION")
            try await job.execute("UPDATE accounts SET balance = 1 WHERE id = 1")
            try await job.execute("INSERT INTO accounts (id, balance) VALUES (10001, 1)")
            try await Task.sleep(for: .milliseconds(50))
            for round in 0..<3 {
                try await fixture.source.execute("UPDATE accounts SET balance = balance + 1 WHERE id = \(50 + round)")
                try await fixture.sync()
            }
            let held = try await fixture.state("accounts")
            #expect(held.heldBy == thread)
            #expect(held.heldSince != nil)
            try await job.execute("COMMIT")
            try await fixture.sync()
            #expect(try await fixture.mirror("SELECT id::text, balance::text FROM accounts WHERE id IN (1, 10001) ORDER BY id") == [["1", "1"], ["10001", "1"]])
            #expect(try await fixture.verify("accounts").isEqual)
            #expect(try await fixture.state("accounts").heldBy == nil)
        }
    }

    @Test("a transaction seen open holds reads back while it stays open, by its own id; once it commits while watched, nothing")
    func watchedTransaction() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE jobs (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL)")
            let job = try await MariaDBConnection.connect(fixture.configuration.source.connection)
            let thread = try await job.query("SELECT CONNECTION_ID()").strings[0][0]!
            try await job.execute("START TRANSACTION")
            try await job.execute("INSERT INTO jobs VALUES (1, NOW(6))")
            guard case .seen(let open) = try await OpenTransactions.read(on: fixture.source, dialect: .mariaDB) else {
                Issue.record("MariaDB hid its transactions")
                return
            }
            #expect(open.map(\.holder) == [thread])
            // The transaction's own id, as InnoDB lists it live.
            let live = try await fixture.source.query("SHOW ENGINE INNODB STATUS").strings[0][2]!
            #expect(live.contains("---TRANSACTION \(open[0].id), ACTIVE"))
            // Committed 30 ms after the next reading is asked for (once 110 ms have passed since the last, so
            // at once unless another test's comes first): before the reading, or while it watches.
            try await Task.sleep(for: .milliseconds(120))
            async let next = OpenTransactions.read(on: fixture.source, dialect: .mariaDB)
            try await Task.sleep(for: .milliseconds(30))
            try await job.execute("COMMIT")
            #expect(try await next == .seen([]))
        }
    }

    @Test("a statement that stamped NOW() and has not written yet holds the reads back; its row arrives with the next pass")
    func statementInFlight() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE jobs (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            try await fixture.source.execute("INSERT INTO jobs VALUES (1, NOW(6) - INTERVAL 1 HOUR)")
            try await fixture.sync()
            let job = try await MariaDBConnection.connect(fixture.configuration.source.connection)
            let thread = try await job.query("SELECT CONNECTION_ID()").strings[0][0]!
            // Stamped when it starts, written five seconds later: no transaction list shows it meanwhile.
            async let slow = job.execute("INSERT INTO jobs SELECT 2, NOW(6) FROM DUAL WHERE SLEEP(5) = 0")
            try await Task.sleep(for: .milliseconds(300))
            try await fixture.source.execute("INSERT INTO jobs VALUES (3, NOW(6))")
            try await fixture.sync()
            #expect(try await fixture.state("jobs").heldBy == thread)
            _ = try await slow
            try await fixture.sync()
            #expect(try await fixture.mirror("SELECT id::text FROM jobs ORDER BY id") == [["1"], ["2"], ["3"]])
            #expect(try await fixture.verify("jobs").isEqual)
            // A long report, behind the comment its tool puts first, holds nothing back.
            async let report = job.query("/* dashboard */ SELECT COUNT(*) FROM jobs WHERE SLEEP(3) = 0")
            try await Task.sleep(for: .milliseconds(300))
            try await fixture.source.execute("INSERT INTO jobs VALUES (4, NOW(6))")
            #expect(try await fixture.sync()["jobs"]?.rows == 1)
            #expect(try await fixture.state("jobs").heldBy == nil)
            _ = try await report
        }
    }

    @Test("without PROCESS, reads stop sync.settle_delay behind the clock, and a row committed within it arrives")
    func settleDelay() async throws {
        try await SyncFixture.with(SyncConfiguration(settleDelaySeconds: 4)) { fixture in
            let database = fixture.configuration.source.connection.database!
            let user = LiveDatabases.uniqueName("s2pg_noproc")
            let admin = try await MariaDBConnection.connect(try LiveDatabases.mariaDB())
            try await admin.execute("CREATE USER \(MariaDBIdentifier.literal(user.utf8))@'%' IDENTIFIED BY 'pw'")
            try await admin.execute("GRANT SELECT ON \(MariaDBIdentifier.quote(database)).* TO \(MariaDBIdentifier.literal(user.utf8))@'%'")
            #expect(await ConnectivityCheck.run(fixture.configuration).warnings.isEmpty)
            fixture.configuration.source.connection.user = user
            fixture.configuration.source.connection.password = "pw"
            // check says what is missing and how to grant it.
            let warnings = await ConnectivityCheck.run(fixture.configuration).warnings
            #expect(warnings.count == 1)
            #expect(warnings.first?.contains("GRANT PROCESS ON *.* TO '\(user)'") == true)
            try await fixture.source.execute("CREATE TABLE notes (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            try await fixture.source.execute("INSERT INTO notes VALUES (1, NOW(6) - INTERVAL 1 HOUR)")
            try await fixture.sync()
            let written = try #require(SourceTimestamp(try await fixture.source.query("SELECT NOW(6)").strings[0][0]!))
            try await fixture.source.execute("INSERT INTO notes VALUES (2, NOW(6))")
            // Within the settle delay it is not read: a pass that read it came at least that long after.
            let first = try #require(try await fixture.sync()["notes"]).rows
            let after = try #require(SourceTimestamp(try await fixture.source.query("SELECT NOW(6)").strings[0][0]!))
            #expect(first == 0 || after.microseconds(since: written) >= 4_000_000)
            try await Task.sleep(for: .milliseconds(4100))
            try await fixture.sync()
            #expect(try await fixture.mirror("SELECT id::text FROM notes ORDER BY id") == [["1"], ["2"]])
            #expect(try await fixture.verify("notes").isEqual)
            try await admin.execute("DROP USER \(MariaDBIdentifier.literal(user.utf8))@'%'")
        }
    }

    @Test("rows with a NULL or an old updated_at are all copied by the first sync, and kept equal by the comparisons")
    func nullAndOldRows() async throws {
        try await SyncFixture.with(SyncConfiguration(deletesIntervalSeconds: 0, fullCompareIntervalSeconds: 0)) { fixture in
            try await fixture.source.execute("CREATE TABLE people (id INT NOT NULL PRIMARY KEY, name VARCHAR(20), updated_at DATETIME NULL, KEY (updated_at))")
            try await fixture.source.execute(
                "INSERT INTO people SELECT seq, CONCAT('p', seq), IF(seq % 4 = 0, NULL, TIMESTAMP('2019-06-01') + INTERVAL seq DAY) FROM seq_1_to_400")
            #expect(try await fixture.sync()["people"]?.kind == .reload)
            #expect(try await fixture.mirror("SELECT count(*)::text, count(updated_at)::text FROM people") == [["400", "300"]])
            // A new row with no updated_at, and a change to one: found by the comparisons.
            try await fixture.source.execute("INSERT INTO people VALUES (401, 'new', NULL)")
            try await fixture.source.execute("UPDATE people SET name = 'renamed' WHERE id = 4")
            try await fixture.sync()
            #expect(try await fixture.mirror("SELECT name FROM people WHERE id IN (4, 401) ORDER BY id") == [["renamed"], ["new"]])
            #expect(try await fixture.verify("people").isEqual)
        }
    }

    @Test("a row written with an updated_at behind the cursor arrives with the comparison of keys and cursor values")
    func backdated() async throws {
        try await SyncFixture.with(SyncConfiguration(deletesIntervalSeconds: 0)) { fixture in
            try await fixture.source.execute("CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, total INT, updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            try await fixture.source.execute("INSERT INTO orders VALUES (1, 10, NOW(6) - INTERVAL 1 HOUR)")
            try await fixture.sync()
            try await fixture.source.execute("INSERT INTO orders VALUES (2, 20, NOW(6) - INTERVAL 1 SECOND)")
            try await fixture.sync()
            // An import stamped a day ago, and a correction that sets a row's updated_at back.
            try await fixture.source.execute("INSERT INTO orders VALUES (3, 30, NOW(6) - INTERVAL 1 DAY)")
            try await fixture.source.execute("UPDATE orders SET total = 21, updated_at = NOW(6) - INTERVAL 2 DAY WHERE id = 2")
            try await fixture.sync()
            #expect(try await fixture.mirror("SELECT id::text, total::text FROM orders ORDER BY id") == [["1", "10"], ["2", "21"], ["3", "30"]])
            #expect(try await fixture.verify("orders").isEqual)
        }
    }

    @Test("rows changed by a cascade (ON DELETE SET NULL), updated_at untouched, are repaired by the whole-row comparison")
    func cascade() async throws {
        try await SyncFixture.with(SyncConfiguration(fullCompareIntervalSeconds: 0)) { fixture in
            try await fixture.source.execute("CREATE TABLE store (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL) ENGINE=InnoDB")
            try await fixture.source.execute(
                """
                CREATE TABLE staff (id INT NOT NULL PRIMARY KEY, store_id INT NULL, updated_at DATETIME(6) NOT NULL,
                    FOREIGN KEY (store_id) REFERENCES store (id) ON DELETE SET NULL) ENGINE=InnoDB
                """)
            try await fixture.source.execute("INSERT INTO store VALUES (1, NOW(6) - INTERVAL 1 HOUR), (2, NOW(6) - INTERVAL 1 HOUR)")
            try await fixture.source.execute("INSERT INTO staff SELECT seq, 1 + seq % 2, NOW(6) - INTERVAL 1 HOUR FROM seq_1_to_30")
            try await fixture.sync()
            try await fixture.source.execute("DELETE FROM store WHERE id = 1")
            try await fixture.sync()
            #expect(try await fixture.mirror("SELECT count(*)::text FROM staff WHERE store_id IS NULL") == [["15"]])
            #expect(try await fixture.verify("staff").isEqual)
            #expect(try await fixture.verify("store").isEqual)
        }
    }

    @Test("a pass the mass-delete guard stops does not count as a success")
    func failedPassIsNoSuccess() async throws {
        try await SyncFixture.with(SyncConfiguration(deletesIntervalSeconds: 0)) { fixture in
            try await DeleteTests.events(fixture, rows: 100)
            let before = try await fixture.state("events").lastSuccessAt
            try await Task.sleep(for: .milliseconds(20))
            try await fixture.source.execute("DELETE FROM events WHERE id > 10")
            let outcomes = try await Replicator(configuration: fixture.configuration, logger: SyncFixture.logger).sync(only: [])
            #expect(throws: S2PGError.self) { try outcomes[0].result.get() }
            let after = try await fixture.state("events")
            #expect(after.lastSuccessAt == before)
            #expect(after.lastError?.contains("max_delete_fraction") == true)
        }
    }

    @Test("with initial_sync_start set, the reload, the comparisons and verify agree on the rows from it on")
    func initialStart() async throws {
        try await SyncFixture.with(
            SyncConfiguration(initialSyncStart: SourceTimestamp("2024-01-01 00:00:00")!, deletesIntervalSeconds: 0, fullCompareIntervalSeconds: 0)
        ) { fixture in
            try await fixture.source.execute("CREATE TABLE logs (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NULL, KEY (updated_at))")
            try await fixture.source.execute("INSERT INTO logs VALUES (1, '2023-06-01'), (2, NULL), (3, '2024-06-01'), (4, NOW(6) - INTERVAL 1 MINUTE)")
            try await fixture.sync()
            try await fixture.sync()
            #expect(try await fixture.mirror("SELECT id::text FROM logs ORDER BY id") == [["3"], ["4"]])
            #expect(try await fixture.verify("logs").isEqual)
        }
    }

    @Test("a column widened at the source while a pass reads it: the page PostgreSQL refused is applied once the mirror follows")
    func widenedDuringPass() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE tags (id INT NOT NULL PRIMARY KEY, name VARCHAR(5), updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO tags VALUES (1, 'short', NOW(6) - INTERVAL 1 MINUTE)")
            try await fixture.sync()
            // Planned before the change, as by a pass that began before it.
            let replicator = Replicator(configuration: fixture.configuration, logger: SyncFixture.logger)
            let planned = try await replicator.plans(only: ["tags"])
            try await fixture.source.execute("ALTER TABLE tags MODIFY name VARCHAR(50)")
            try await fixture.source.execute("INSERT INTO tags VALUES (2, 'twelve chars', NOW(6))")
            let result = try await replicator.sync(planned, pools: Replicator.Pools(fixture.configuration))[0].result.get()
            #expect(result.rejected == 0)
            #expect(try await fixture.mirror("SELECT name FROM tags ORDER BY id") == [["short"], ["twelve chars"]])
            #expect(try await Self.status(fixture, "tags").refusedRows == 0)
            #expect(try await fixture.verify("tags").isEqual)
        }
    }

    /// The table's line in `s2pg status`, as the user reads it.
    static func status(_ fixture: SyncFixture, _ table: String) async throws -> (refusedRows: Int, text: String) {
        let states = try await StateStore(schema: fixture.configuration.target.stateSchema).all(on: fixture.target)
        let report = await StatusReport.make(states, holders: [:], workers: [], configuration: fixture.configuration)
        return (states.first { $0.sourceTable == table }!.refusedRows, report.text)
    }

    @Test("a row PostgreSQL refuses shows in status until it is applied: retried after the table's next schema change")
    func refusedRetriedAfterSchemaChange() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute(
                "CREATE TABLE stock (id INT NOT NULL PRIMARY KEY, qty INT, note VARCHAR(10), updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO stock VALUES (1, 5, 'a', NOW(6) - INTERVAL 1 MINUTE)")
            try await fixture.sync()
            // A rule the mirror's owner added; row 2 breaks it, and row 1 is updated to break it.
            try await fixture.target.execute("ALTER TABLE stock ADD CONSTRAINT qty_small CHECK (qty < 100)")
            try await fixture.source.execute("INSERT INTO stock VALUES (2, 500, 'b', NOW(6)), (3, 7, 'c', NOW(6))")
            try await fixture.source.execute("UPDATE stock SET qty = 600, updated_at = NOW(6) WHERE id = 1")
            #expect(try await fixture.sync()["stock"]?.rejected == 2)
            try await fixture.sync()
            let refused = try await Self.status(fixture, "stock")
            #expect(refused.refusedRows == 2)
            #expect(refused.text.contains("2 rows refused by PostgreSQL"))
            // The owner drops the rule; the source widens a column: the pass that follows the change retries.
            try await fixture.target.execute("ALTER TABLE stock DROP CONSTRAINT qty_small")
            try await fixture.source.execute("ALTER TABLE stock MODIFY note VARCHAR(20)")
            try await fixture.sync()
            #expect(try await fixture.mirror("SELECT id::text, qty::text FROM stock ORDER BY id") == [["1", "600"], ["2", "500"], ["3", "7"]])
            let retried = try await Self.status(fixture, "stock")
            #expect(retried.refusedRows == 0)
            #expect(!retried.text.contains("refused"))
            #expect(try await fixture.verify("stock").isEqual)
        }
    }

    @Test("a row refused at every comparison is listed once; once the mirror takes it, the next comparison clears it")
    func refusedListedOnce() async throws {
        try await SyncFixture.with(SyncConfiguration(deletesIntervalSeconds: 0)) { fixture in
            try await fixture.source.execute("CREATE TABLE stock (id INT NOT NULL PRIMARY KEY, qty INT, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO stock VALUES (1, 5, NOW(6) - INTERVAL 1 MINUTE)")
            try await fixture.sync()
            try await fixture.target.execute("ALTER TABLE stock ADD CONSTRAINT qty_small CHECK (qty < 100)")
            try await fixture.source.execute("INSERT INTO stock VALUES (2, 500, NOW(6))")
            for _ in 0..<3 { try await fixture.sync() }
            #expect(try await Self.status(fixture, "stock").refusedRows == 1)
            try await fixture.target.execute("ALTER TABLE stock DROP CONSTRAINT qty_small")
            try await fixture.sync()
            #expect(try await fixture.mirror("SELECT id::text FROM stock ORDER BY id") == [["1"], ["2"]])
            #expect(try await Self.status(fixture, "stock").refusedRows == 0)
        }
    }

    @Test("first syncs of several tables at once into a target.schema that does not exist yet: it is created once, every table synced")
    func schemaCreatedOnce() async throws {
        try await SyncFixture.with(SyncConfiguration(parallelTables: 4)) { fixture in
            for table in ["a", "b", "c", "d"] {
                try await fixture.source.execute("CREATE TABLE \(table) (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL)")
                try await fixture.source.execute("INSERT INTO \(table) VALUES (1, NOW(6) - INTERVAL 1 MINUTE)")
            }
            for attempt in 0..<4 {
                fixture.configuration.target.schema = fixture.schema + "_new\(attempt)"
                defer { Task { [target = fixture.target, schema = fixture.configuration.target.schema] in _ = try? await target.execute("DROP SCHEMA \(PostgresIdentifier.quote(schema)) CASCADE") } }
                let outcomes = try await Replicator(configuration: fixture.configuration, logger: SyncFixture.logger).sync(only: [])
                #expect(outcomes.count == 4)
                for outcome in outcomes { #expect(throws: Never.self) { try outcome.result.get() } }
            }
        }
    }
}
