import Testing

@testable import S2PGCore

@Suite("ReadBound: where a pass's reads stop, by the clock's open tick and the source's open transactions")
struct ReadBoundTests {
    static func at(_ text: String) -> SourceTimestamp { SourceTimestamp(text)! }
    static let clock = at("2026-01-01 10:00:07.400000")

    static func transaction(_ holder: String, ageMicroseconds: Int) -> OpenTransaction {
        OpenTransaction(holder: holder, started: "2026-01-01 10:00:00", ageMicroseconds: ageMicroseconds, id: "trx" + holder)
    }

    @Test("the open tick of the cursor column's precision is not read", arguments: [
        (0, "2026-01-01 10:00:07.000000"), (3, "2026-01-01 10:00:07.400000"), (6, "2026-01-01 10:00:07.400000"), (1, "2026-01-01 10:00:07.400000"),
    ])
    func tick(precision: Int, bound: String) {
        let decided = ReadBound.decide(clock: Self.clock, precision: precision, visibility: .seen([]), lagMicroseconds: 0, settleSeconds: 5, maxHoldSeconds: 600)
        #expect(decided.bound == Self.at(bound))
        #expect(decided.heldBy == nil)
    }

    @Test("the oldest open transaction that wrote holds the bound at its start (the clock less its age)")
    func heldByTransaction() {
        let young = Self.transaction("12", ageMicroseconds: 1_500_000)
        let old = Self.transaction("7", ageMicroseconds: 3_250_000)
        let decided = ReadBound.decide(clock: Self.clock, precision: 6, visibility: .seen([young, old]), lagMicroseconds: 0, settleSeconds: 5, maxHoldSeconds: 600)
        #expect(decided.bound == Self.at("2026-01-01 10:00:04.150000"))
        #expect(decided.heldBy == old)
        #expect(decided.held(behind: Self.clock) == 3_250_000)
        #expect(decided.overdue.isEmpty)
    }

    @Test("a reading of the open transactions taken before the clock bounds the reads at its moment, and its transactions from there")
    func sharedReading() {
        let none = ReadBound.decide(clock: Self.clock, precision: 6, visibility: .seen([]), lagMicroseconds: 150_000, settleSeconds: 5, maxHoldSeconds: 600)
        #expect(none.bound == Self.at("2026-01-01 10:00:07.250000"))
        #expect(none.heldBy == nil)
        // Whole seconds: the open tick is the earlier.
        let tick = ReadBound.decide(clock: Self.clock, precision: 0, visibility: .seen([]), lagMicroseconds: 150_000, settleSeconds: 5, maxHoldSeconds: 600)
        #expect(tick.bound == Self.at("2026-01-01 10:00:07"))
        let old = Self.transaction("7", ageMicroseconds: 3_000_000)
        let held = ReadBound.decide(clock: Self.clock, precision: 6, visibility: .seen([old]), lagMicroseconds: 150_000, settleSeconds: 5, maxHoldSeconds: 600)
        #expect(held.bound == Self.at("2026-01-01 10:00:04.250000"))
        #expect(held.heldBy == old)
    }

    @Test("a transaction younger than the open tick holds nothing more")
    func youngTransaction() {
        let decided = ReadBound.decide(
            clock: Self.clock, precision: 0, visibility: .seen([Self.transaction("3", ageMicroseconds: 200_000)]), lagMicroseconds: 0, settleSeconds: 5, maxHoldSeconds: 600)
        #expect(decided.bound == Self.at("2026-01-01 10:00:07"))
        #expect(decided.heldBy == nil)
    }

    @Test("rows left only for the open tick can be read once it ends", arguments: [
        (0, 600_000), (1, 100_000), (3, 1_000), (6, 1),
    ])
    func tickEnds(precision: Int, microseconds: Int) {
        #expect(ReadBound.tickEnds(after: Self.clock, precision: precision) == microseconds)
    }

    @Test("past sync.max_hold a transaction is no longer waited for, and is reported")
    func overdue() {
        let stale = Self.transaction("99", ageMicroseconds: 601_000_000)
        let decided = ReadBound.decide(clock: Self.clock, precision: 6, visibility: .seen([stale]), lagMicroseconds: 0, settleSeconds: 5, maxHoldSeconds: 600)
        #expect(decided.bound == Self.clock)
        #expect(decided.heldBy == nil)
        #expect(decided.overdue == [stale])
    }

    @Test("a source that hides its transactions gets the settle delay behind the open tick")
    func hidden() {
        let decided = ReadBound.decide(
            clock: Self.clock, precision: 0, visibility: .hidden("no PROCESS privilege"), lagMicroseconds: 0, settleSeconds: 5, maxHoldSeconds: 600)
        #expect(decided.bound == Self.at("2026-01-01 10:00:02"))
        #expect(decided.held(behind: Self.clock) == 5_400_000)
    }

    @Test("the source's rows of open transactions are read as holder, start, age and id; anything else is refused")
    func parse() throws {
        #expect(try OpenTransaction.parse([["42", "2026-01-01 10:00:00", "7400000", "trx42"]]) == [Self.transaction("42", ageMicroseconds: 7_400_000)])
        #expect(throws: S2PGError.self) { try OpenTransaction.parse([["42", "2026-01-01 10:00:00", nil, "trx42"]]) }
        #expect(throws: S2PGError.self) { try OpenTransaction.parse([["42", "2026-01-01 10:00:00", "7400000"]]) }
    }

    @Test("MariaDB is asked INNODB_TRX for writers and lock waiters of this database other than s2pg; SingleStore its distributed transactions on the database's partitions")
    func dialectSQL() {
        let maria = SourceDialect.mariaDB.openTransactionsSQL
        #expect(maria.contains("INFORMATION_SCHEMA.INNODB_TRX"))
        #expect(maria.contains("t.trx_rows_modified > 0 OR t.trx_state = 'LOCK WAIT'"))
        #expect(maria.contains("t.trx_mysql_thread_id <> CONNECTION_ID()"))
        #expect(maria.contains("p.DB = DATABASE()"))
        #expect(maria.contains("t.trx_id"))
        let single = SourceDialect.singleStore(version: "8.9.3").openTransactionsSQL
        #expect(single.contains("MV_ACTIVE_DISTRIBUTED_TRANSACTIONS"))
        #expect(single.contains("REAL_CLOCK_BEGIN_TIME_STAMP"))
        #expect(single.contains("CONCAT(DATABASE(), '_')"))
    }
}
