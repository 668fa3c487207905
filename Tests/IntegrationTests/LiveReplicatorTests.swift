import Foundation
import MariaDBClient
import PostgresClient
import S2PGCore
import Testing

/// `s2pg run`'s passes (`LiveReplicator`) against live MariaDB and PostgreSQL: the tables a pass probes and
/// finds quiet are left alone, and every change still arrives.
@Suite("Live passes", .enabled(if: LiveDatabases.enabled))
struct LiveReplicatorTests {
    /// One pass, each table's result by name, failing on any table's error.
    @discardableResult
    private static func pass(_ live: LiveReplicator) async throws -> [String: TableSyncResult] {
        Dictionary(uniqueKeysWithValues: try await live.pass().map { ($0.table, try $0.result.get()) })
    }

    private static func live(_ fixture: SyncFixture) -> LiveReplicator {
        LiveReplicator(Replicator(configuration: fixture.configuration, logger: SyncFixture.logger, command: "run"))
    }

    /// A `LiveReplicator` past its first two passes (the tables reloaded, then probed) over tables of
    /// `(id, updated_at)`, each with `rows` rows a minute old.
    private static func settled(_ fixture: SyncFixture, tables: [String] = [], rows: Int = 1) async throws -> LiveReplicator {
        for table in tables {
            try await fixture.source.execute("CREATE TABLE \(table) (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO \(table) SELECT seq, NOW(6) - INTERVAL 1 MINUTE FROM seq_1_to_\(rows)")
        }
        let live = Self.live(fixture)
        try await Self.pass(live)
        try await Self.pass(live)
        return live
    }

    @Test("quiet tables are probed, recorded current and left alone; a new row, a row tied with the cursor, and rows in a two-column-key table all arrive")
    func probedTables() async throws {
        try await SyncFixture.with(SyncConfiguration(deletes: .off)) { fixture in
            try await fixture.source.execute(
                "CREATE TABLE events (id INT NOT NULL PRIMARY KEY, v INT, updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            try await fixture.source.execute(
                "CREATE TABLE order_lines (region VARCHAR(10) NOT NULL, n INT NOT NULL, updated_at DATETIME NOT NULL, PRIMARY KEY (region, n), KEY (updated_at))")
            try await fixture.source.execute("INSERT INTO events SELECT seq, seq, NOW(6) - INTERVAL seq SECOND FROM seq_1_to_50")
            let live = Self.live(fixture)
            let first = try await Self.pass(live)
            #expect(first.values.allSatisfy { $0.kind == .reload && !$0.probed })
            // Synced under their plans: from now on probed first. order_lines' rows arrive by a page, whose
            // last row, ('b', 2), is its cursor (once their second is over: whole seconds wait for it to end).
            try await fixture.source.execute("INSERT INTO order_lines VALUES ('b', 1, NOW()), ('b', 2, NOW())")
            try await Task.sleep(for: .milliseconds(1100))
            let second = try await Self.pass(live)
            #expect(second["events"]?.probed == true)
            #expect(second["order_lines"]?.probed == false)
            #expect(second["order_lines"]?.rows == 2)
            let before = try await fixture.state("events")
            let quiet = try await Self.pass(live)
            #expect(quiet.values.allSatisfy { $0.probed && $0.rows == 0 })
            let after = try await fixture.state("events")
            #expect(after.currentAsOf! > before.currentAsOf!)
            #expect(after.cursorKey == before.cursorKey)

            // At exactly the cursor's updated_at with a greater key: only the probe's second arm sees it.
            try await fixture.source.execute("INSERT INTO events VALUES (51, 51, '\(after.cursorUpdatedAt!)')")
            // DATETIME (whole seconds) and a two-column key: ('b', 3) and ('c', 0) tie with the cursor ('b', 2).
            let lineCursor = try await fixture.state("order_lines").cursorUpdatedAt!
            try await fixture.source.execute("INSERT INTO order_lines VALUES ('b', 3, '\(lineCursor)'), ('c', 0, '\(lineCursor)'), ('a', 9, '\(lineCursor)')")
            let tied = try await Self.pass(live)
            #expect(tied["events"]?.probed == false)
            #expect(tied["events"]?.rows == 1)
            #expect(tied["order_lines"]?.rows == 2)
            // ('a', 9) sorts before the cursor at the same updated_at: written late, as a late commit; lookback's.
            #expect(try await fixture.verify("order_lines").missingCount == 1)
            #expect(try await fixture.verify("events").isEqual)

            try await fixture.source.execute("UPDATE events SET v = -v, updated_at = NOW(6) WHERE id <= 3")
            let updated = try await Self.pass(live)
            #expect(updated["events"]?.rows == 3)
            #expect(updated["order_lines"]?.probed == true)
            #expect(try await fixture.verify("events").isEqual)
        }
    }

    @Test("a run started over mirrors already in shape probes their tables from its first pass; a mirror out of shape gets a whole pass")
    func startsProbing() async throws {
        try await SyncFixture.with(SyncConfiguration(deletes: .off)) { fixture in
            for table in ["items", "others"] {
                try await fixture.source.execute("CREATE TABLE \(table) (id INT NOT NULL PRIMARY KEY, v INT, updated_at DATETIME(6) NOT NULL)")
                try await fixture.source.execute("INSERT INTO \(table) SELECT seq, seq, NOW(6) - INTERVAL 1 MINUTE FROM seq_1_to_10")
            }
            try await fixture.sync()
            _ = try await fixture.mirror("ALTER TABLE others DROP COLUMN v")
            let first = try await Self.pass(Self.live(fixture))
            #expect(first["items"]?.probed == true)
            #expect(first["others"]?.kind == .reload)
            #expect(try await fixture.verify("others").isEqual)
        }
    }

    @Test("with the catalog read every pass, quiet tables are still probed; a mirror dropped while its table is quiet is made again and filled")
    func catalogEveryPass() async throws {
        try await SyncFixture.with(SyncConfiguration(deletes: .off, catalogRefreshSeconds: 0)) { fixture in
            let live = try await Self.settled(fixture, tables: ["kept", "dropped"], rows: 10)
            _ = try await fixture.mirror("DROP TABLE dropped")
            let next = try await Self.pass(live)
            #expect(next["kept"]?.probed == true)
            #expect(next["dropped"]?.kind == .reload)
            #expect(try await fixture.verify("dropped").isEqual)
        }
    }

    @Test("a changed table whose mirror is known in shape is not checked again; altered behind s2pg's back, it fails once, and the next pass mends and refills it")
    func mirrorAltered() async throws {
        try await SyncFixture.with(SyncConfiguration(deletes: .off, catalogRefreshSeconds: 3600)) { fixture in
            try await fixture.source.execute("CREATE TABLE items (id INT NOT NULL PRIMARY KEY, name VARCHAR(20), updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO items SELECT seq, CONCAT('item ', seq), NOW(6) - INTERVAL 1 MINUTE FROM seq_1_to_5")
            let live = try await Self.settled(fixture)
            try await fixture.source.execute("UPDATE items SET name = 'one', updated_at = NOW(6) WHERE id = 1")
            #expect(try await Self.pass(live)["items"]?.rows == 1)

            _ = try await fixture.mirror("ALTER TABLE items DROP COLUMN name")
            try await fixture.source.execute("UPDATE items SET name = 'two', updated_at = NOW(6) WHERE id = 2")
            let failed = try await live.pass()
            #expect(failed.first { $0.table == "items" }.map { (try? $0.result.get()) == nil } == true)
            let mended = try await Self.pass(live)
            #expect(mended["items"]?.kind == .reload)
            #expect(try await fixture.verify("items").isEqual)
        }
    }

    @Test("a table and a column added at the source are seen by the next pass, however long sync.catalog_refresh is")
    func catalogChanges() async throws {
        try await SyncFixture.with(SyncConfiguration(deletes: .off, catalogRefreshSeconds: 3600)) { fixture in
            let live = try await Self.settled(fixture, tables: ["items"], rows: 5)
            try await fixture.source.execute("ALTER TABLE items ADD COLUMN note VARCHAR(10) NOT NULL DEFAULT 'n'")
            try await fixture.source.execute("CREATE TABLE arrived (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO arrived VALUES (1, NOW(6))")
            let next = try await Self.pass(live)
            #expect(next["arrived"]?.kind == .reload)
            // The new column is filled for rows that did not change since.
            #expect(next["items"]?.kind == .reload)
            #expect(try await fixture.mirror("SELECT DISTINCT note FROM items") == [["n"]])
            #expect(try await fixture.verify("arrived").isEqual)
        }
    }

    @Test("a column dropped at the source is seen by the next pass: the change arrives, the mirror keeps the column, the other tables are still probed")
    func droppedColumn() async throws {
        try await SyncFixture.with(SyncConfiguration(deletes: .off, catalogRefreshSeconds: 3600)) { fixture in
            try await fixture.source.execute(
                "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, name VARCHAR(20), note VARCHAR(20), updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("CREATE TABLE others (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO items VALUES (1, 'one', 'n', NOW(6) - INTERVAL 1 MINUTE)")
            try await fixture.source.execute("INSERT INTO others VALUES (1, NOW(6) - INTERVAL 1 MINUTE)")
            let live = try await Self.settled(fixture)

            try await fixture.source.execute("ALTER TABLE items DROP COLUMN note")
            try await fixture.source.execute("UPDATE items SET name = 'uno', updated_at = NOW(6)")
            let next = try await Self.pass(live)
            #expect(next["items"]?.rows == 1)
            #expect(next["others"]?.probed == true)
            #expect(try await fixture.mirror("SELECT name, note FROM items") == [["uno", "n"]])
        }
    }

    @Test("a table dropped at the source: the others' passes go on, and the pass after leaves it out")
    func droppedTable() async throws {
        try await SyncFixture.with(SyncConfiguration(deletes: .off, catalogRefreshSeconds: 3600)) { fixture in
            let live = try await Self.settled(fixture, tables: ["gone", "kept"])

            try await fixture.source.execute("DROP TABLE gone")
            try await fixture.source.execute("INSERT INTO kept VALUES (2, NOW(6))")
            let after = try await live.pass()
            #expect(after.first { $0.table == "kept" }.map { (try? $0.result.get())?.rows } == 1)
            let next = try await Self.pass(live)
            #expect(next.keys.sorted() == ["kept"])
            #expect(try await fixture.mirror("SELECT count(*)::text FROM gone") == [["1"]])
        }
    }
}
