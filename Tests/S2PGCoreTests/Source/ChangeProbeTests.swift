import Testing

@testable import S2PGCore

/// What `s2pg run` asks the source before a pass, without a database: the probe's SQL, how it is split and
/// read, and which tables are probed rather than given a whole pass.
@Suite("Change probe")
struct ChangeProbeTests {
    static func plan(_ table: String, key: [String] = ["id"], cursor: String = "datetime(6)") throws -> TablePlan {
        try TestPlan.make([("id", "int(11)"), ("region", "varchar(10)"), ("updated_at", cursor)], key: key, table: table)
    }

    /// A state row as `StateStore` reads it: synced once, cursor at `(2026-01-02 03:04:05.000006, 7)`.
    static func state(
        refill: String? = nil, error: String? = nil, cursor: String? = "2026-01-02 03:04:05.000006", target: String = "t"
    ) -> TableState {
        var row: [String?] = Array(repeating: nil, count: 24)
        row[0] = "t"
        row[1] = target
        row[2] = "incremental"
        row[3] = cursor
        row[4] = cursor.map { _ in #"["7"]"# }
        row[5] = "1"
        row[7] = "2026-01-02 03:04:06"
        row[8] = error
        row[10] = refill
        for index in [14, 15, 16, 18] { row[index] = "0" }
        return TableState(row: row)
    }

    @Test("a probe asks for the newest updated_at past the cursor and for rows tied with it at a greater key")
    func probeSQL() throws {
        let single = SourceQueries(plan: try Self.plan("t"))
        #expect(
            try single.changeProbe(after: .afterRow(updatedAt: "2026-01-02 03:04:05.000006", key: ["7"]), tag: 3)
                == "SELECT 3 FROM `t` HAVING MAX(`updated_at`) > '2026-01-02 03:04:05.000006' UNION ALL "
                + "SELECT 3 FROM `t` WHERE `updated_at` = '2026-01-02 03:04:05.000006' AND (`id` > 7) HAVING COUNT(*) > 0")
        let composite = SourceQueries(plan: try Self.plan("t", key: ["region", "id"]))
        #expect(
            try composite.changeProbe(after: .afterRow(updatedAt: "2026-01-02 03:04:05", key: ["b'", "2"]), tag: 0)
                .hasSuffix("WHERE `updated_at` = '2026-01-02 03:04:05' AND (`region` > 'b''' OR `region` = 'b''' AND `id` > 2) HAVING COUNT(*) > 0"))
        #expect(try single.changeProbe(after: .from(SourceTimestamp("2026-01-02 03:04:05")!), tag: 1) == "SELECT 1 FROM `t` HAVING MAX(`updated_at`) >= '2026-01-02 03:04:05.000000'")
        // A stored key is data: one that is no value of its column is refused, not sent.
        #expect(throws: S2PGError.self) { try single.changeProbe(after: .afterRow(updatedAt: "2026-01-02 03:04:05", key: ["1 OR 1=1"]), tag: 0) }
        #expect(throws: S2PGError.self) { try single.changeProbe(after: .afterRow(updatedAt: "now()", key: ["1"]), tag: 0) }
    }

    @Test("many tables' probes are joined into statements under the size limit, each table's whole in one; the answer names the tables")
    func statements() throws {
        let position = ScanPosition.afterRow(updatedAt: "2026-01-02 03:04:05", key: ["1"])
        let tables = try (0..<40).map { (plan: try Self.plan("table_\($0)"), position: position) }
        let probe = try ChangeProbe(tables, maximumBytes: 2_000)
        #expect(probe.statements.count > 1)
        #expect(probe.statements.allSatisfy { $0.utf8.count <= 2_000 })
        for (tag, table) in tables.enumerated() {
            let arm = try SourceQueries(plan: table.plan).changeProbe(after: position, tag: tag)
            #expect(probe.statements.filter { $0.contains(arm) }.count == 1)
        }
        #expect(try probe.changed([["0"], ["39"], ["0"]]) == ["table_0", "table_39"])
        #expect(try probe.changed([]) == [])
        #expect(throws: S2PGError.self) { try probe.changed([["40"]]) }
        #expect(throws: S2PGError.self) { try probe.changed([[nil]]) }
        #expect(try ChangeProbe(tables).statements.count == 1)
        #expect(try ChangeProbe([]).statements.isEmpty)
    }

    @Test("only a table synced under this very plan, with a cursor and nothing pending, is probed")
    func probed() throws {
        let plan = try Self.plan("t")
        let other = try Self.plan("t", cursor: "datetime")
        let cursor = ScanPosition.afterRow(updatedAt: "2026-01-02 03:04:05.000006", key: ["7"])
        #expect(LiveReplicator.probePosition(plan, state: Self.state(), comparisonDue: false, verified: plan) == cursor)
        #expect(LiveReplicator.probePosition(plan, state: Self.state(), comparisonDue: false, verified: nil) == nil)
        #expect(LiveReplicator.probePosition(plan, state: Self.state(), comparisonDue: false, verified: other) == nil)
        #expect(LiveReplicator.probePosition(plan, state: Self.state(refill: "columns added: x"), comparisonDue: false, verified: plan) == nil)
        #expect(LiveReplicator.probePosition(plan, state: Self.state(error: "boom"), comparisonDue: false, verified: plan) == nil)
        #expect(LiveReplicator.probePosition(plan, state: Self.state(cursor: nil), comparisonDue: false, verified: plan) == nil)
        // A cursor kept for another mirror table (target.schema or the mirror's name changed since).
        #expect(LiveReplicator.probePosition(plan, state: Self.state(target: "t_old"), comparisonDue: false, verified: plan) == nil)
        // A comparison due (of keys and cursor values, or of whole rows, whatever sync.deletes): a whole pass.
        #expect(LiveReplicator.probePosition(plan, state: Self.state(), comparisonDue: true, verified: plan) == nil)
        let keyless = try Self.plan("t", key: [])
        #expect(LiveReplicator.probePosition(keyless, state: Self.state(), comparisonDue: false, verified: keyless) == nil)
    }
}
