import Foundation
import MariaDBClient
import PostgresClient
import Testing

@testable import S2PGCore

/// Rows deleted at the source leave the mirror (or are marked, or stay, as `sync.deletes` says), found by
/// comparing the tables' keys bucket by bucket; full-mode tables are compared and repaired in place instead
/// of reloaded; `verify --repair` fixes what differs.
@Suite("Deletes and reconciles", .enabled(if: LiveDatabases.enabled))
struct DeleteTests {
    /// An incremental table of `rows` rows, synced once.
    static func events(_ fixture: SyncFixture, rows: Int = 1_000) async throws {
        try await fixture.source.execute(
            "CREATE TABLE events (id INT NOT NULL PRIMARY KEY, v VARCHAR(20), updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
        try await fixture.source.execute(
            "INSERT INTO events SELECT seq, CONCAT('v', seq), NOW(6) - INTERVAL 1 MINUTE FROM seq_1_to_\(rows)")
        try await fixture.sync()
    }

    static func count(_ fixture: SyncFixture, _ table: String = "events") async throws -> String? {
        try await fixture.mirror("SELECT count(*)::text FROM \(table)")[0][0]
    }

    @Test("rows deleted at the source are deleted from the mirror, counted, and compared again only after sync.deletes_interval")
    func hardDeletes() async throws {
        try await SyncFixture.with(SyncConfiguration(deletesIntervalSeconds: 0)) { fixture in
            try await Self.events(fixture)
            try await fixture.source.execute("DELETE FROM events WHERE id % 100 = 7")
            // An update in the same pass: the window applies it, the comparison leaves it alone.
            try await fixture.source.execute("UPDATE events SET v = 'changed', updated_at = NOW(6) WHERE id = 8")
            let result = try #require(try await fixture.sync()["events"])
            #expect(result.deleted == 10)
            #expect(result.rows == 1)
            #expect(try await Self.count(fixture) == "990")
            #expect(try await fixture.mirror("SELECT count(*)::text FROM events WHERE id % 100 = 7") == [["0"]])
            #expect(try await fixture.state("events").rowsDeleted == 10)
            #expect(try await fixture.state("events").keysComparedAt != nil)
            #expect(try await fixture.verify("events").isEqual)

            // Within the interval (5 minutes by default) the keys are not compared again.
            fixture.configuration.sync.deletesIntervalSeconds = 300
            try await fixture.source.execute("DELETE FROM events WHERE id = 1")
            #expect(try await fixture.sync()["events"]?.deleted == 0)
            #expect(try await Self.count(fixture) == "990")
        }
    }

    @Test("soft deletes keep the row with _s2pg_deleted_at set, cleared when the key comes back; verify leaves marked rows out")
    func softDeletes() async throws {
        try await SyncFixture.with(SyncConfiguration(deletes: .soft, deletesIntervalSeconds: 0)) { fixture in
            try await Self.events(fixture, rows: 100)
            try await fixture.source.execute("DELETE FROM events WHERE id IN (5, 6)")
            #expect(try await fixture.sync()["events"]?.deleted == 2)
            #expect(try await Self.count(fixture) == "100")
            #expect(try await fixture.mirror("SELECT id::text FROM events WHERE _s2pg_deleted_at IS NOT NULL ORDER BY id") == [["5"], ["6"]])
            // Marked once: a later comparison does not count them again.
            #expect(try await fixture.sync()["events"]?.deleted == 0)
            #expect(try await fixture.verify("events").isEqual)

            try await fixture.source.execute("INSERT INTO events VALUES (5, 'back', NOW(6))")
            try await fixture.sync()
            #expect(try await fixture.mirror("SELECT v, (_s2pg_deleted_at IS NULL)::text FROM events WHERE id = 5") == [["back", "true"]])
            #expect(try await fixture.state("events").rowsDeleted == 2)
            // A reload goes into the mirror and keeps the row still marked.
            let reload = try await Replicator(configuration: fixture.configuration, logger: SyncFixture.logger)
                .sync(only: ["events"], reload: true, wait: .seconds(5))
            #expect(try reload.first?.result.get().kind == .reload)
            #expect(try await fixture.mirror("SELECT id::text FROM events WHERE _s2pg_deleted_at IS NOT NULL") == [["6"]])

            // A full-mode table too.
            try await fixture.source.execute("CREATE TABLE tags (name VARCHAR(10) NOT NULL PRIMARY KEY)")
            try await fixture.source.execute("INSERT INTO tags VALUES ('a'), ('b'), ('c')")
            try await fixture.sync(["tags"])
            try await fixture.source.execute("DELETE FROM tags WHERE name = 'b'")
            #expect(try await fixture.sync(["tags"])["tags"]?.deleted == 1)
            try await fixture.source.execute("INSERT INTO tags VALUES ('b')")
            #expect(try await fixture.sync(["tags"])["tags"]?.rows == 1)
            #expect(try await fixture.mirror("SELECT count(*)::text FROM tags WHERE _s2pg_deleted_at IS NULL") == [["3"]])
        }
    }

    @Test("sync.deletes off keeps rows the source deleted; the summary and status count deletes")
    func deletesOffAndCounted() async throws {
        try await SyncFixture.with(SyncConfiguration(deletes: .off, deletesIntervalSeconds: 0)) { fixture in
            try await Self.events(fixture, rows: 100)
            try await fixture.source.execute("DELETE FROM events WHERE id <= 5")
            #expect(try await fixture.sync()["events"]?.deleted == 0)
            #expect(try await Self.count(fixture) == "100")

            fixture.configuration.sync.deletes = .hard
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let pass = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            #expect(pass.status == 0, "\(pass.output)\(pass.error)")
            #expect(pass.output.contains("(5 deleted)"), "\(pass.output)")
            let status = try await S2PGProcess.run(["status", "--config", file.path], environment: environment)
            #expect(status.output.contains("5 rows deleted (the source no longer has them)"), "\(status.output)")
            #expect(try await Self.count(fixture) == "95")
        }
    }

    @Test("a pass that would delete most of a mirror deletes nothing and says why and how to allow it")
    func massDeleteGuard() async throws {
        try await SyncFixture.with(SyncConfiguration(deletesIntervalSeconds: 0)) { fixture in
            try await Self.events(fixture)
            try await fixture.source.execute("DELETE FROM events WHERE id > 400")
            let outcome = try #require(try await Replicator(configuration: fixture.configuration, logger: SyncFixture.logger).sync().first)
            #expect(throws: S2PGError.self) { try outcome.result.get() }
            let message = "\((try? outcome.result.get()).map { "\($0)" } ?? "\(outcome.result)")"
            #expect(message.contains("would delete at least 600 of the mirror's 1000 rows"), "\(message)")
            #expect(message.contains("s2pg sync --allow-mass-delete --table events"), "\(message)")
            #expect(try await Self.count(fixture) == "1000")

            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let unnamed = try await S2PGProcess.run(["sync", "--allow-mass-delete", "--config", file.path], environment: environment)
            #expect(unnamed.status != 0)
            #expect(unnamed.error.contains("--allow-mass-delete needs --table"), "\(unnamed.error)")
            let allowed = try await S2PGProcess.run(
                ["sync", "--allow-mass-delete", "--table", "events", "--config", file.path], environment: environment)
            #expect(allowed.status == 0, "\(allowed.output)\(allowed.error)")
            #expect(try await Self.count(fixture) == "400")
            #expect(try await fixture.verify("events").isEqual)
        }
    }

    @Test("deletes racing inserts and updates at the source: the mirror ends equal, no live row deleted")
    func deletesRacingWrites() async throws {
        try await SyncFixture.with(SyncConfiguration(deletesIntervalSeconds: 0)) { fixture in
            try await Self.events(fixture, rows: 2_000)
            // A writer inserts, updates and deletes while passes run: every pass compares keys.
            let configuration = fixture.configuration.source.connection
            let writer = Task {
                let source = try await MariaDBConnection.connect(configuration)
                for round in 0..<40 {
                    try await source.execute("INSERT INTO events VALUES (\(2_001 + round), 'new', NOW(6))")
                    try await source.execute("UPDATE events SET v = 'u', updated_at = NOW(6) WHERE id = \(round * 7 + 1)")
                    try await source.execute("DELETE FROM events WHERE id = \(round * 11 + 3)")
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            var deleted = 0
            for _ in 0..<8 { deleted += try await fixture.sync()["events"]?.deleted ?? 0 }
            try await writer.value
            deleted += try await fixture.sync()["events"]?.deleted ?? 0
            #expect(deleted == 40)
            #expect(try await fixture.verify("events").isEqual)
        }
    }

    @Test("a full-mode table is compared and repaired in place: only what changed is written, a view on it survives")
    func fullTableReconciled() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE prices (sku VARCHAR(20) NOT NULL, region INT NOT NULL, price DECIMAL(10,2), PRIMARY KEY (sku, region))")
            try await fixture.source.execute("INSERT INTO prices SELECT CONCAT('sku', seq), seq % 3, seq / 10 FROM seq_1_to_3000")
            #expect(try await fixture.sync()["prices"]?.kind == .reload)
            try await fixture.target.execute("CREATE VIEW \(PostgresIdentifier.qualified(fixture.schema, "cheap")) AS SELECT * FROM \(PostgresIdentifier.qualified(fixture.schema, "prices")) WHERE price < 10")
            let untouched = try await fixture.mirror("SELECT _s2pg_synced_at::text FROM prices WHERE sku = 'sku500'")

            #expect(try await fixture.sync()["prices"]?.kind == .reconcile)
            try await fixture.source.execute("UPDATE prices SET price = price + 1 WHERE sku IN ('sku1', 'sku2', 'sku3')")
            try await fixture.source.execute("DELETE FROM prices WHERE sku IN ('sku10', 'sku11')")
            try await fixture.source.execute("INSERT INTO prices VALUES ('new''one', 7, 1.5), ('sku1', 9, NULL)")
            let result = try #require(try await fixture.sync()["prices"])
            #expect(result.kind == .reconcile)
            #expect(result.rows == 5)
            #expect(result.deleted == 2)
            #expect(try await fixture.verify("prices").isEqual)
            #expect(try await fixture.mirror("SELECT _s2pg_synced_at::text FROM prices WHERE sku = 'sku500'") == untouched)
            let cheap = try await fixture.source.query("SELECT COUNT(*) FROM prices WHERE price < 10").strings[0][0]
            #expect(try await fixture.mirror("SELECT count(*)::text FROM cheap") == [[cheap]])
        }
    }

    @Test("a full-mode table's later passes scan the source alone against its buckets' fingerprints: each change behind s2pg's back is found")
    func fingerprintedPasses() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE stock (id INT NOT NULL PRIMARY KEY, qty INT, note TEXT)")
            try await fixture.source.execute("INSERT INTO stock SELECT seq, seq % 7, IF(seq % 5 = 0, NULL, CONCAT('n', seq)) FROM seq_1_to_5000")
            #expect(try await fixture.sync()["stock"]?.kind == .reload)
            // Both sides compared: the buckets' fingerprints are kept.
            #expect(try await fixture.sync()["stock"]?.rows == 0)
            let fingerprints = "SELECT count(*)::text FROM \(PostgresIdentifier.qualified(fixture.configuration.target.stateSchema, "bucket_fingerprints"))"
            #expect(try await fixture.mirror(fingerprints)[0][0].flatMap { Int($0) } ?? 0 > 100)
            let rounds: [(change: String, upserted: Int, deleted: Int)] = [
                ("UPDATE stock SET qty = qty + 1 WHERE id % 500 = 1", 10, 0),
                ("DELETE FROM stock WHERE id % 1000 = 2", 0, 5),
                ("INSERT INTO stock VALUES (7003, 1, NULL), (7004, 2, '')", 2, 0),
                // NULL and empty text are told apart.
                ("UPDATE stock SET note = NULL WHERE id = 7004", 1, 0),
                // Back to what they were before the first round, fingerprints and all.
                ("UPDATE stock SET qty = qty - 1 WHERE id % 500 = 1", 10, 0),
            ]
            for round in rounds {
                try await fixture.source.execute(round.change)
                let result = try #require(try await fixture.sync()["stock"])
                #expect(result.kind == .reconcile, "\(round.change)")
                #expect(result.rows == round.upserted, "\(round.change)")
                #expect(result.deleted == round.deleted, "\(round.change)")
                #expect(try await fixture.verify("stock").isEqual, "\(round.change)")
            }
            #expect(try await fixture.sync()["stock"]?.rows == 0)

            // Where the source did not change the mirror is not read again: a row changed in the mirror
            // behind s2pg's back stays until verify finds it and --repair fixes it (and the fingerprints are
            // then taken anew from both sides).
            try await fixture.target.execute("UPDATE \(PostgresIdentifier.qualified(fixture.schema, "stock")) SET qty = 99 WHERE id = 4")
            #expect(try await fixture.sync()["stock"]?.rows == 0)
            #expect(try await fixture.verify("stock").different == ["4"])
            let plan = try await Replicator(configuration: fixture.configuration, logger: SyncFixture.logger).plans(only: ["stock"])[0]
            let repaired = try await TableSync(plan: plan, configuration: fixture.configuration, logger: SyncFixture.logger)
                .repair(source: fixture.source, target: fixture.target)
            #expect(repaired.rows == 1)
            #expect(try await fixture.mirror(fingerprints) == [["0"]])
            #expect(try await fixture.sync()["stock"]?.rows == 0)
            try await fixture.target.execute("UPDATE \(PostgresIdentifier.qualified(fixture.schema, "stock")) SET qty = 98 WHERE id = 5")
            try await fixture.source.execute("UPDATE stock SET qty = 97 WHERE id = 5")
            #expect(try await fixture.sync()["stock"]?.rows == 1)
            #expect(try await fixture.verify("stock").isEqual)
        }
    }

    @Test("a keyless full-mode table is reloaded only when its rows changed")
    func keylessUnchanged() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE log (line VARCHAR(20))")
            try await fixture.source.execute("INSERT INTO log VALUES ('a'), ('a'), ('b')")
            try await fixture.sync()
            #expect(try await fixture.sync()["log"]?.kind == .unchanged)
            try await fixture.source.execute("DELETE FROM log WHERE line = 'a' LIMIT 1")
            #expect(try await fixture.sync()["log"]?.kind == .reload)
            #expect(try await fixture.mirror("SELECT line FROM log ORDER BY line") == [["a"], ["b"]])
        }
    }

    @Test("a zero date in a key column is -infinity in the mirror: synced, upserted, compared, deleted")
    func zeroDateKeys() async throws {
        try await SyncFixture.with(SyncConfiguration(deletesIntervalSeconds: 0)) { fixture in
            try await fixture.source.execute("CREATE TABLE days (d DATE NOT NULL, n INT NOT NULL, v INT, PRIMARY KEY (d, n))")
            try await fixture.source.execute("INSERT INTO days VALUES ('0000-00-00', 1, 1), ('2024-01-01', 1, 2)")
            try await fixture.source.execute(
                "CREATE TABLE ticks (at DATETIME NOT NULL, id INT NOT NULL, v INT, updated_at DATETIME(6) NOT NULL, PRIMARY KEY (at, id))")
            try await fixture.source.execute(
                "INSERT INTO ticks VALUES ('0000-00-00 00:00:00', 1, 1, NOW(6) - INTERVAL 1 MINUTE), ('2024-01-01 10:00:00', 1, 2, NOW(6) - INTERVAL 1 MINUTE)")
            let first = try await fixture.sync()
            #expect(first["days"]?.counts.invalidDatesNulled == 1)
            #expect(try await fixture.mirror("SELECT d::text, v::text FROM days ORDER BY d") == [["-infinity", "1"], ["2024-01-01", "2"]])
            #expect(try await fixture.mirror("SELECT at::text FROM ticks ORDER BY at") == [["-infinity"], ["2024-01-01 10:00:00"]])
            // Compared equal: nothing to repair, nothing to delete.
            let second = try await fixture.sync()
            #expect(second["days"]?.rows == 0)
            #expect(second["ticks"]?.deleted == 0)
            #expect(try await fixture.verify("days").isEqual)
            #expect(try await fixture.verify("ticks").isEqual)

            try await fixture.source.execute("UPDATE ticks SET v = 10, updated_at = NOW(6) WHERE id = 1 AND at = '0000-00-00 00:00:00'")
            try await fixture.source.execute("UPDATE days SET v = 10 WHERE n = 1 AND d = '0000-00-00'")
            try await fixture.sync()
            #expect(try await fixture.mirror("SELECT v::text FROM ticks WHERE at = '-infinity'") == [["10"]])
            #expect(try await fixture.mirror("SELECT v::text FROM days WHERE d = '-infinity'") == [["10"]])

            try await fixture.source.execute("DELETE FROM ticks WHERE at = '0000-00-00 00:00:00'")
            try await fixture.source.execute("DELETE FROM days WHERE d = '0000-00-00'")
            let third = try await fixture.sync()
            #expect(third["ticks"]?.deleted == 1)
            #expect(third["days"]?.deleted == 1)
            #expect(try await fixture.verify("ticks").isEqual)
            #expect(try await fixture.verify("days").isEqual)
        }
    }

    @Test("verify --repair fixes what differs, says what it changed, and then finds the tables equal")
    func verifyRepair() async throws {
        try await SyncFixture.with { fixture in
            try await Self.events(fixture, rows: 500)
            try await fixture.target.execute("DELETE FROM \(PostgresIdentifier.qualified(fixture.schema, "events")) WHERE id IN (3, 4)")
            try await fixture.target.execute("UPDATE \(PostgresIdentifier.qualified(fixture.schema, "events")) SET v = 'wrong' WHERE id = 9")
            try await fixture.target.execute(
                "INSERT INTO \(PostgresIdentifier.qualified(fixture.schema, "events")) (id, v, updated_at) VALUES (9999, 'extra', now())")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let check = try await S2PGProcess.run(["verify", "--config", file.path], environment: environment)
            #expect(check.status != 0)
            #expect(check.output.contains("2 missing from the mirror (3; 4), 1 only in the mirror (9999), 1 different (9)"), "\(check.output)")
            let repair = try await S2PGProcess.run(["verify", "--repair", "--config", file.path], environment: environment)
            #expect(repair.status == 0, "\(repair.output)\(repair.error)")
            #expect(repair.output.contains("events: repaired: 3 rows upserted, 1 deleted"), "\(repair.output)")
            #expect(repair.output.contains("events: 500 rows at the source, 500 in the mirror: equal"), "\(repair.output)")
        }
    }

    @Test("a mirror emptied behind s2pg's back: every row is found missing, in bounded groups, and repaired")
    func emptiedMirror() async throws {
        try await SyncFixture.with { fixture in
            try await Self.events(fixture, rows: 120_000)
            try await fixture.target.execute("TRUNCATE \(PostgresIdentifier.qualified(fixture.schema, "events"))")
            let report = try await fixture.verify("events")
            #expect(report.missingCount == 120_000)
            #expect(report.targetRows == 0)
            let plan = try await Replicator(configuration: fixture.configuration, logger: SyncFixture.logger).plans(only: ["events"])[0]
            let result = try await TableSync(plan: plan, configuration: fixture.configuration, logger: SyncFixture.logger)
                .repair(source: fixture.source, target: fixture.target)
            #expect(result.rows == 120_000)
            #expect(try await fixture.verify("events").isEqual)
        }
    }

    @Test("verify: wide tables, ZEROFILL and FLOAT(M,D)/DOUBLE(M,D) compare equal; composite keys print unambiguously")
    func verifyShapes() async throws {
        try await SyncFixture.with { fixture in
            let columns = (1...120).map { "c\($0) INT" }.joined(separator: ", ")
            try await fixture.source.execute("CREATE TABLE wide (id INT NOT NULL PRIMARY KEY, \(columns))")
            try await fixture.source.execute("INSERT INTO wide (id, c1, c120) VALUES (1, 1, 120), (2, NULL, 7)")
            try await fixture.source.execute(
                "CREATE TABLE padded (id INT(5) ZEROFILL NOT NULL, tag VARCHAR(5) NOT NULL, f FLOAT(7,4), d DOUBLE(8,3), PRIMARY KEY (id, tag))")
            try await fixture.source.execute("INSERT INTO padded VALUES (7, 'x', 234.56, 1.5), (8, 'it''s', 0.1, -2)")
            try await fixture.sync()
            #expect(try await fixture.verify("wide").isEqual)
            #expect(try await fixture.verify("padded").isEqual)
            try await fixture.target.execute("UPDATE \(PostgresIdentifier.qualified(fixture.schema, "padded")) SET d = 3 WHERE id = 8")
            let report = try await fixture.verify("padded")
            #expect(report.different == ["(8, 'it''s')"], "\(report.summary)")

            // Long text enters a row's hash by its own MD5, short text as it is: both compared. Latin-1 text
            // is measured and hashed as the mirror's UTF-8 (600 `é` are 600 bytes in latin1, 1,200 in UTF-8).
            try await fixture.source.execute("CREATE TABLE notes (id INT NOT NULL PRIMARY KEY, body LONGTEXT, latin TEXT CHARACTER SET latin1)")
            try await fixture.source.execute(
                "INSERT INTO notes VALUES (1, REPEAT('long é ', 500), REPEAT('é', 600)), (2, 'short', 'café'), (3, NULL, REPEAT('long é ', 500))")
            try await fixture.sync(["notes"])
            #expect(try await fixture.verify("notes").isEqual)
            let notes = PostgresIdentifier.qualified(fixture.schema, "notes")
            try await fixture.target.execute("UPDATE \(notes) SET body = body || 'x' WHERE id = 1")
            try await fixture.target.execute("UPDATE \(notes) SET body = 'shorT' WHERE id = 2")
            #expect(try await fixture.verify("notes").different == ["1", "2"])
        }
    }
}
