import Foundation
import MariaDBClient
import PostgresClient
import S2PGCore
import Testing

@testable import S2PGCore

/// `s2pg sync` end to end against live MariaDB and PostgreSQL: the mirror equals its source, value for value.
@Suite("Sync", .enabled(if: LiveDatabases.enabled))
struct SyncTests {
    @Test("an initial sync of every type, then an update, reads back value for value")
    func everyType() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.run { connection in
                try connection.execute("SET SESSION sql_mode = ''")
                try connection.execute(
                    """
                    CREATE TABLE every_type (
                      id BIGINT UNSIGNED NOT NULL PRIMARY KEY, ti TINYINT, tb TINYINT(1), tu TINYINT UNSIGNED, su SMALLINT UNSIGNED,
                      mi MEDIUMINT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED, d DECIMAL(65,30), f FLOAT, db DOUBLE,
                      b BIT(10), c CHAR(10), vc VARCHAR(255), t TEXT, lt LONGTEXT, bn BINARY(4), vb VARBINARY(64), bl BLOB,
                      dt DATE, dtm DATETIME, dt6 DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6), y YEAR, e ENUM('a''b', ''),
                      s SET('x', 'y', 'z'), p POINT, updated_at DATETIME(6) NOT NULL
                    )
                    """)
                try connection.execute(
                    """
                    INSERT INTO every_type VALUES
                    (18446744073709551615, -128, 1, 255, 65535, -8388608, 4294967295, -9223372036854775808, 18446744073709551615,
                     12345678901234567890123456789012345.123456789012345678901234567890, 1.5, -1.7976931348623157e308,
                     b'1010101010', 'abc', '😀 four-byte', 'tab\\there\\nnew\\\\line \\\\N', REPEAT('x', 100000), X'00010203',
                     X'00FF00', X'DEADBEEF00', '2024-02-29', '2025-10-01 12:34:56', '2025-10-01 12:34:56.789012',
                     '2025-10-01 12:34:56.000001', '-838:59:59.000000', 2155, 'a''b', 'x,z', ST_GeomFromText('POINT(1 2)'),
                     '2025-10-02 00:00:00'),
                    (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', '', '', NULL, NULL, X'', NULL,
                     NULL, NULL, NULL, NULL, '00:00:00', NULL, '', '', NULL, '2025-10-02 00:00:00')
                    """)
            }
            let results = try await fixture.sync()
            #expect(results["every_type"]?.rows == 2)
            let report = try await fixture.verify("every_type")
            #expect(report.isEqual, "\(report.summary)")
            let max = try await fixture.mirror(
                """
                SELECT id::text, ti::text, tb::text, tu::text, su::text, mi::text, iu::text, bi::text, bu::text, d::text, f::text,
                       db::text, b::text, c, vc, t, length(lt)::text, encode(bn, 'hex'), encode(vb, 'hex'), encode(bl, 'hex'),
                       dt::text, dtm::text, dt6::text, ts::text, tm::text, y::text, e, s::text, p
                FROM every_type WHERE id = 18446744073709551615
                """)
            #expect(max == [[
                "18446744073709551615", "-128", "1", "255", "65535", "-8388608", "4294967295", "-9223372036854775808",
                "18446744073709551615", "12345678901234567890123456789012345.123456789012345678901234567890", "1.5",
                "-1.7976931348623157e+308", "1010101010", "abc", "😀 four-byte", "tab\there\nnew\\line \\N", "100000",
                "00010203", "00ff00", "deadbeef00", "2024-02-29", "2025-10-01 12:34:56", "2025-10-01 12:34:56.789012",
                "2025-10-01 12:34:56.000001+00", "-838:59:59", "2155", "a'b", "{x,z}", "POINT(1 2)",
            ]])
            let empty = try await fixture.mirror("SELECT ti, c, vc, t, encode(vb, 'hex'), tm::text, e, s::text FROM every_type WHERE id = 1")
            #expect(empty == [[nil, "", "", "", "", "00:00:00", "", "{}"]])

            // An update flows through the incremental path.
            try await fixture.source.execute("UPDATE every_type SET vc = 'updated', updated_at = NOW(6) WHERE id = 1")
            let second = try await fixture.sync()
            #expect(second["every_type"]?.kind == .incremental)
            #expect(second["every_type"]?.rows == 1)
            #expect(try await fixture.mirror("SELECT vc FROM every_type WHERE id = 1") == [["updated"]])
            #expect(try await fixture.verify("every_type").isEqual)
        }
    }

    @Test("updates, inserts and an added column: the mirror equals the source, the new column filled for every row")
    func updatesInsertsAndDrift() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 100)) { fixture in
            try await fixture.source.execute(
                "CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, status VARCHAR(20), amount DECIMAL(12,2), updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            try await fixture.source.execute(
                "INSERT INTO orders SELECT seq, 'new', seq / 100, TIMESTAMP('2025-10-01') + INTERVAL seq MINUTE FROM seq_1_to_1000")
            #expect(try await fixture.sync()["orders"]?.kind == .reload)

            try await fixture.source.execute("UPDATE orders SET status = 'paid', updated_at = NOW(6) WHERE id % 10 = 0")
            try await fixture.source.execute(
                "INSERT INTO orders SELECT seq, 'new', 1, NOW(6) FROM seq_1001_to_1250")
            let second = try #require(try await fixture.sync()["orders"])
            #expect(second.kind == .incremental)
            #expect(second.rows == 350)
            #expect(second.pages == 4)
            #expect(try await fixture.verify("orders").isEqual)

            try await fixture.source.execute("ALTER TABLE orders ADD COLUMN region CHAR(2) NOT NULL DEFAULT 'EU'")
            let third = try #require(try await fixture.sync()["orders"])
            #expect(third.kind == .reload)
            #expect(try await fixture.mirror("SELECT region, count(*)::text FROM orders GROUP BY region") == [["EU", "1250"]])
            #expect(try await fixture.verify("orders").isEqual)
            #expect(try await fixture.state("orders").refillReason == nil)
        }
    }

    @Test("5,000 rows sharing one updated_at, read 1,000 at a time: none lost, none repeated")
    func sharedTimestamp() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 1000)) { fixture in
            try await fixture.source.execute(
                "CREATE TABLE events (id INT NOT NULL PRIMARY KEY, v INT, updated_at DATETIME(6) NOT NULL, KEY (updated_at))")
            #expect(try await fixture.sync()["events"]?.rows == 0)

            try await fixture.source.execute(
                "INSERT INTO events SELECT seq, seq, TIMESTAMP('2025-11-01 10:00:00.123456') FROM seq_1_to_5000")
            try await fixture.source.execute("UPDATE events SET updated_at = NOW(6)")
            let first = try #require(try await fixture.sync()["events"])
            #expect(first.kind == .incremental)
            #expect(first.rows == 5000)
            #expect(first.pages == 5)
            let state = try await fixture.state("events")
            #expect(state.cursorKey == ["5000"])
            #expect(try await fixture.mirror("SELECT count(*)::text, count(DISTINCT id)::text FROM events") == [["5000", "5000"]])

            // A row written at exactly the cursor's updated_at, with a later key, is caught; nothing else is re-read.
            let at = state.cursorUpdatedAt!
            try await fixture.source.execute("INSERT INTO events VALUES (5001, 5001, '\(at)')")
            let second = try #require(try await fixture.sync()["events"])
            #expect(second.rows == 1)
            #expect(try await fixture.verify("events").isEqual)
        }
    }

    @Test("ties on updated_at broken by a two-column key across pages: none lost, none repeated")
    func sharedTimestampCompositeKey() async throws {
        try await SyncFixture.with(SyncConfiguration(batchRows: 1000)) { fixture in
            try await fixture.source.execute(
                "CREATE TABLE order_lines (region VARCHAR(10) NOT NULL, n INT NOT NULL, v INT, updated_at DATETIME(6) NOT NULL, PRIMARY KEY (region, n), KEY (updated_at))")
            #expect(try await fixture.sync()["order_lines"]?.rows == 0)
            // Keys compared as the source collates them: 'b' and 'B' order alike, n after region.
            try await fixture.source.execute(
                "INSERT INTO order_lines SELECT ELT(1 + seq % 3, 'a', 'B', 'c'), seq, seq, NOW(6) FROM seq_1_to_3500")
            let result = try #require(try await fixture.sync()["order_lines"])
            #expect(result.rows == 3500)
            #expect(result.pages == 4)
            #expect(try await fixture.mirror("SELECT count(*)::text, count(DISTINCT (region, n))::text FROM order_lines") == [["3500", "3500"]])
            #expect(try await fixture.state("order_lines").cursorKey == ["c", "3500"])
            #expect(try await fixture.verify("order_lines").isEqual)
        }
    }

    @Test("a row committed late with an older updated_at is caught by lookback, and only by it")
    func lookback() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute(
                "CREATE TABLE payments (id INT NOT NULL PRIMARY KEY, amount INT, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO payments VALUES (1, 10, NOW(6) - INTERVAL 10 MINUTE)")
            try await fixture.sync()
            try await fixture.source.execute("INSERT INTO payments VALUES (2, 20, NOW(6))")
            try await fixture.sync()
            // Committed now, stamped 5 minutes ago: behind the cursor.
            try await fixture.source.execute("INSERT INTO payments VALUES (3, 30, NOW(6) - INTERVAL 5 MINUTE)")
            #expect(try await fixture.sync()["payments"]?.rows == 0)
            #expect(try await fixture.verify("payments").missingCount == 1)

            fixture.configuration.sync.lookbackSeconds = 600
            let caught = try #require(try await fixture.sync()["payments"])
            #expect(caught.rows == 2)  // rows 3 and 2 re-read; row 2 unchanged in the mirror
            #expect(try await fixture.verify("payments").isEqual)
        }
    }

    @Test("a sync with nothing changed changes nothing, lookback re-reads included")
    func noChange() async throws {
        try await SyncFixture.with(SyncConfiguration(lookbackSeconds: 3600)) { fixture in
            try await fixture.source.execute(
                "CREATE TABLE items (id INT NOT NULL PRIMARY KEY, name VARCHAR(20), updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))")
            try await fixture.source.execute("INSERT INTO items (id, name) SELECT seq, CONCAT('item ', seq) FROM seq_1_to_100")
            try await fixture.sync()
            try await fixture.source.execute("UPDATE items SET name = 'renamed' WHERE id = 1")
            try await fixture.sync()
            let before = try await fixture.mirror("SELECT id::text, name, _s2pg_synced_at::text FROM items ORDER BY id")
            let stateBefore = try await fixture.state("items")
            try await Task.sleep(for: .milliseconds(20))
            let result = try #require(try await fixture.sync()["items"])
            #expect(result.kind == .incremental)
            #expect(try await fixture.mirror("SELECT id::text, name, _s2pg_synced_at::text FROM items ORDER BY id") == before)
            let stateAfter = try await fixture.state("items")
            #expect(stateAfter.cursorUpdatedAt == stateBefore.cursorUpdatedAt)
            #expect(stateAfter.cursorKey == stateBefore.cursorKey)
        }
    }

    @Test("a row written in the second a reload of a DATETIME (whole seconds) table began arrives: the cursor is cut to the column's precision")
    func reloadCursorPrecision() async throws {
        try await SyncFixture.with(SyncConfiguration(deletes: .off)) { fixture in
            try await fixture.source.execute("CREATE TABLE items (id INT NOT NULL PRIMARY KEY, updated_at DATETIME NOT NULL)")
            try await fixture.source.execute("INSERT INTO items VALUES (1, NOW() - INTERVAL 1 MINUTE)")
            #expect(try await fixture.sync()["items"]?.kind == .reload)
            // Written at the reload's cursor: a clock read with a fraction (13.4 s) is stored cut to the
            // second (13 s), below it, as a row written by NOW() later in that second is.
            let cursor = try await fixture.state("items").cursorUpdatedAt!
            try await fixture.source.execute("INSERT INTO items VALUES (2, '\(cursor)')")
            try await fixture.sync()
            #expect(try await fixture.verify("items").isEqual)
        }
    }

    @Test("a mirror table dropped behind s2pg's back is created again and filled whole, not continued from the cursor")
    func droppedMirror() async throws {
        try await SyncFixture.with(SyncConfiguration(deletes: .off)) { fixture in
            try await fixture.source.execute("CREATE TABLE items (id INT NOT NULL PRIMARY KEY, name VARCHAR(20), updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO items SELECT seq, CONCAT('item ', seq), NOW(6) - INTERVAL 1 MINUTE FROM seq_1_to_20")
            try await fixture.sync()
            _ = try await fixture.mirror("DROP TABLE items")
            try await fixture.source.execute("INSERT INTO items VALUES (21, 'new', NOW(6))")
            let result = try #require(try await fixture.sync()["items"])
            #expect(result.kind == .reload)
            #expect(try await fixture.mirror("SELECT count(*)::text FROM items") == [["21"]])
            #expect(try await fixture.verify("items").isEqual)
            #expect(try await fixture.state("items").refillReason == nil)
        }
    }

    @Test("zero dates, NUL bytes and a 2 MiB value: policies applied and counted, the rest kept")
    func valuePolicies() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.run { connection in
                try connection.execute("SET SESSION sql_mode = ''")
                try connection.execute(
                    "CREATE TABLE notes (id INT NOT NULL PRIMARY KEY, due DATE, seen DATETIME, body LONGTEXT, doc LONGTEXT)")
                try connection.execute(
                    """
                    INSERT INTO notes VALUES
                    (1, '0000-00-00', '0000-00-00 00:00:00', 'before\\0after', 'ok'),
                    (2, '2023-02-00', '2024-02-29 10:00:00', REPEAT('0123456789abcdef', 131072), 'x'),
                    (3, '2024-01-31', NULL, 'tab\\t and \\\\N', NULL)
                    """)
            }
            let result = try #require(try await fixture.sync()["notes"])
            #expect(result.counts.invalidDatesNulled == 3)
            #expect(result.counts.nulBytesRemoved == 1)
            let rows = try await fixture.mirror("SELECT id::text, due::text, seen::text, length(body)::text, left(body, 20) FROM notes ORDER BY id")
            #expect(rows == [
                ["1", nil, nil, "11", "beforeafter"],
                ["2", nil, "2024-02-29 10:00:00", String(2 * 1024 * 1024), "0123456789abcdef0123"],
                ["3", "2024-01-31", nil, "11", "tab\t and \\N"],
            ])
            let state = try await fixture.state("notes")
            #expect(state.counts.invalidDatesNulled == 3)
            #expect(state.counts.nulBytesRemoved == 1)
            // The policies are what verify compares against: the mirror counts as equal.
            #expect(try await fixture.verify("notes").isEqual)
        }
    }

    @Test("invalid UTF-8 becomes U+FFFD and PostgreSQL takes the result")
    func invalidUTF8() async throws {
        // MariaDB never sends invalid UTF-8 in a text column (SingleStore can); the encoder's output for it
        // goes through a real COPY here.
        try await LiveDatabases.withPostgresSchema { connection, _ in
            try await connection.execute("CREATE TABLE t (v text)")
            let (data, counts) = {
                var encoder = CopyEncoder(encodings: [.text])
                [0x61, 0xFF, 0x62, 0xC3, 0x28].withUnsafeBytes { encoder.append($0, as: .text) }
                encoder.output.append(UInt8(ascii: "\n"))
                return (encoder.output, encoder.counts)
            }()
            _ = try await connection.run { try $0.copy("COPY t FROM STDIN") { try $0.write(data) } }
            #expect(try await connection.execute("SELECT v FROM t").rows == [["a\u{FFFD}b\u{FFFD}("]])
            #expect(counts.invalidUTF8Replaced == 1)
        }
    }

    @Test("a keyless table keeps the multiplicity of duplicate rows, and unchanged rows keep their ids")
    func keylessDuplicates() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE views (path VARCHAR(20), n INT)")
            try await fixture.source.execute(
                "INSERT INTO views VALUES ('/a', 1), ('/a', 1), ('/a', 1), ('/b', 2), ('/b', 2), ('/c', NULL), ('/c', NULL)")
            let first = try #require(try await fixture.sync()["views"])
            #expect(first.kind == .reload)
            let counts = "SELECT path, coalesce(n::text, 'NULL'), count(*)::text FROM views GROUP BY 1, 2 ORDER BY 1"
            #expect(try await fixture.mirror(counts) == [["/a", "1", "3"], ["/b", "2", "2"], ["/c", "NULL", "2"]])
            let ids = try await fixture.mirror("SELECT _s2pg_row_id FROM views ORDER BY 1")
            #expect(Set(ids.map { $0[0]! }).count == 7)

            try await fixture.source.execute("DELETE FROM views WHERE path = '/b' LIMIT 1")
            try await fixture.source.execute("INSERT INTO views VALUES ('/d', 4)")
            try await fixture.sync()
            #expect(try await fixture.mirror(counts) == [["/a", "1", "3"], ["/b", "2", "1"], ["/c", "NULL", "2"], ["/d", "4", "1"]])
            let kept = try await fixture.mirror("SELECT _s2pg_row_id FROM views WHERE path IN ('/a', '/c') ORDER BY 1")
            #expect(kept == ids.filter { id in !ids.isEmpty && kept.contains(id) })
            #expect(kept.count == 5)
            #expect(try await fixture.verify("views").isEqual)
        }
    }

    @Test("verify finds a row deleted from the mirror and a row changed in it")
    func verifyFindsDifferences() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE accounts (id INT NOT NULL PRIMARY KEY, owner VARCHAR(20), balance DECIMAL(10,2))")
            try await fixture.source.execute("INSERT INTO accounts SELECT seq, CONCAT('owner ', seq), seq FROM seq_1_to_50")
            try await fixture.sync()
            #expect(try await fixture.verify("accounts").isEqual)
            try await fixture.target.execute("DELETE FROM accounts WHERE id = 7")
            try await fixture.target.execute("UPDATE accounts SET balance = 0 WHERE id = 30")
            let report = try await fixture.verify("accounts")
            #expect(!report.isEqual)
            #expect(report.missing == ["7"])
            #expect(report.different == ["30"])
            #expect(report.extraCount == 0)
            #expect(report.sourceRows == 50)
            #expect(report.targetRows == 49)
        }
    }

    @Test("a row the mirror refuses goes to the reject log; the rest of its page is applied")
    func rejects() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE stock (id INT NOT NULL PRIMARY KEY, qty INT, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO stock VALUES (1, 5, NOW(6) - INTERVAL 1 MINUTE)")
            try await fixture.sync()
            // A rule the mirror's owner added, which the source does not know.
            try await fixture.target.execute("ALTER TABLE stock ADD CONSTRAINT qty_small CHECK (qty < 100)")
            try await fixture.source.execute("INSERT INTO stock VALUES (2, 7, NOW(6)), (3, 500, NOW(6)), (4, 9, NOW(6))")
            let result = try #require(try await fixture.sync()["stock"])
            #expect(result.rejected == 1)
            #expect(try await fixture.mirror("SELECT id::text FROM stock ORDER BY id") == [["1"], ["2"], ["4"]])
            let rejects = try await fixture.mirror(
                "SELECT source_table, row_key, reason FROM \(PostgresIdentifier.qualified(fixture.configuration.target.stateSchema, "rejects"))")
            #expect(rejects.count == 1)
            #expect(rejects.first?[0] == "stock")
            #expect(rejects.first?[1] == "id=3")
            #expect(rejects.first?[2]?.contains("qty_small") == true)
            // The page's checkpoint moved past the rejected row.
            #expect(try await fixture.state("stock").cursorKey == ["4"])
        }
    }

    @Test("a row refused in a page's second part: the first part is written again, row by row")
    func rejectInLaterPart() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE stock (id INT NOT NULL PRIMARY KEY, qty INT, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO stock VALUES (0, 1, NOW(6) - INTERVAL 1 MINUTE)")
            try await fixture.sync()
            try await fixture.target.execute("ALTER TABLE stock ADD CONSTRAINT qty_small CHECK (qty < 100)")
            // One page of 2,600 rows, read and upserted in parts of 2,500: row 2,550 is in the second.
            try await fixture.source.execute(
                "INSERT INTO stock SELECT seq, IF(seq = 2550, 500, seq % 100), NOW(6) FROM seq_1_to_2600")
            let result = try #require(try await fixture.sync()["stock"])
            #expect(result.pages == 1)
            #expect(result.rows == 2600)
            #expect(result.rejected == 1)
            #expect(try await fixture.mirror("SELECT count(*)::text, sum(qty)::text FROM stock WHERE id > 0") == [
                ["2599", String((1...2600).filter { $0 != 2550 }.reduce(0) { $0 + $1 % 100 })],
            ])
            #expect(try await fixture.mirror("SELECT count(*)::text FROM stock WHERE id = 2550") == [["0"]])
            #expect(try await fixture.state("stock").cursorKey == ["2600"])
        }
    }

    @Test("a failing table fails alone: the others sync, the summary names it, the exit status is non-zero")
    func failingTable() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE good (id INT NOT NULL PRIMARY KEY, v INT)")
            // Incremental, so an incompatible change stops it (a full table is rebuilt on every sync anyway).
            try await fixture.source.execute("CREATE TABLE bad (id INT NOT NULL PRIMARY KEY, v INT, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO bad VALUES (1, 1, NOW(6))")
            try await fixture.source.execute("INSERT INTO good VALUES (1, 1)")
            try await fixture.sync()
            try await fixture.source.execute("ALTER TABLE bad MODIFY v VARCHAR(10)")
            try await fixture.source.execute("INSERT INTO good VALUES (2, 2)")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let run = try await S2PGProcess.run(["sync", "--config", file.path], environment: environment)
            #expect(run.status != 0)
            #expect(run.output.contains("1 of 2 tables failed: bad"))
            #expect(run.output.contains("s2pg full-load --table bad"))
            #expect(try await fixture.mirror("SELECT count(*)::text FROM good") == [["2"]])
            #expect(try await fixture.state("bad").lastError?.contains("s2pg full-load --table bad") == true)

            let status = try await S2PGProcess.run(["status", "--config", file.path], environment: environment)
            #expect(status.status == 0)
            #expect(status.output.contains("last error"))

            let fix = try await S2PGProcess.run(["full-load", "--table", "bad", "--config", file.path], environment: environment)
            #expect(fix.status == 0, "\(fix.output)\(fix.error)")
            #expect(try await fixture.verify("bad").isEqual)
        }
    }

    @Test("DATETIME cursors end at the source's clock in the zone they are written in (source.time_zone)")
    func datetimeZone() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE zoned (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO zoned VALUES (1, NOW(6) - INTERVAL 1 HOUR)")
            try await fixture.sync()
            try await fixture.source.execute("INSERT INTO zoned VALUES (2, NOW(6))")
            // Declared two hours behind the server: the row written now lies ahead of that clock and waits.
            fixture.configuration.source.timeZone = "-02:00"
            #expect(try await fixture.sync()["zoned"]?.rows == 0)
            #expect(try await fixture.mirror("SELECT count(*)::text FROM zoned") == [["1"]])
            // In the server's own zone (UTC here) it is due.
            fixture.configuration.source.timeZone = nil
            #expect(try await fixture.sync()["zoned"]?.rows == 1)
            #expect(try await fixture.verify("zoned").isEqual)
        }
    }
}
