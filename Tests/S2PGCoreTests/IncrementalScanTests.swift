import Testing

@testable import S2PGCore

@Suite("IncrementalScan: an incremental pass's windows, pages and positions, up to its read bound")
struct IncrementalScanTests {
    static func at(_ text: String) -> SourceTimestamp { SourceTimestamp(text)! }

    @Test("a page reads from the stored row up to the bound, exclusive; a short page ends the pass")
    func onePage() {
        let stored = ScanPosition.afterRow(updatedAt: "2026-01-01 10:00:00", key: ["5"])
        var scan = IncrementalScan(from: stored, bound: Self.at("2026-01-01 10:00:01"), windowSeconds: 3600, batchRows: 100)
        #expect(scan.next() == .page(after: stored, before: Self.at("2026-01-01 10:00:01"), limit: 100))
        let last = ScanPosition.afterRow(updatedAt: "2026-01-01 10:00:00", key: ["9"])
        scan.read(rows: 3, last: last)
        #expect(scan.position == last)
        #expect(scan.next() == .done)
    }

    @Test("a full page goes on from its last row in the same window")
    func fullPage() {
        var scan = IncrementalScan(from: .from(Self.at("2026-01-01 00:00:00")), bound: Self.at("2026-01-01 00:00:10"), windowSeconds: 3600, batchRows: 2)
        _ = scan.next()
        let last = ScanPosition.afterRow(updatedAt: "2026-01-01 00:00:03", key: ["1"])
        scan.read(rows: 2, last: last)
        #expect(scan.next() == .page(after: last, before: Self.at("2026-01-01 00:00:10"), limit: 2))
    }

    @Test("windows of window_hours: a window read to its end starts the next at its end, inclusive")
    func windows() {
        var scan = IncrementalScan(from: .from(Self.at("2026-01-01 00:00:00")), bound: Self.at("2026-01-01 03:30:00"), windowSeconds: 3600, batchRows: 10)
        #expect(scan.next() == .page(after: .from(Self.at("2026-01-01 00:00:00")), before: Self.at("2026-01-01 01:00:00"), limit: 10))
        scan.read(rows: 4, last: .afterRow(updatedAt: "2026-01-01 00:59:59.999999", key: ["1"]))
        #expect(scan.position == .from(Self.at("2026-01-01 01:00:00")))
        #expect(scan.next() == .page(after: .from(Self.at("2026-01-01 01:00:00")), before: Self.at("2026-01-01 02:00:00"), limit: 10))
    }

    @Test("an empty window seeks the next change below the bound; none ends the pass")
    func seek() {
        var scan = IncrementalScan(from: .from(Self.at("2026-01-01 00:00:00")), bound: Self.at("2026-01-03 00:00:00"), windowSeconds: 3600, batchRows: 10)
        _ = scan.next()
        scan.read(rows: 0, last: nil)
        #expect(scan.next() == .seek(from: Self.at("2026-01-01 01:00:00"), before: Self.at("2026-01-03 00:00:00")))
        scan.found(Self.at("2026-01-02 12:00:00.5"))
        #expect(scan.next() == .page(after: .from(Self.at("2026-01-02 12:00:00.5")), before: Self.at("2026-01-02 13:00:00.5"), limit: 10))
        scan.read(rows: 0, last: nil)
        #expect(scan.next() == .seek(from: Self.at("2026-01-02 13:00:00.5"), before: Self.at("2026-01-03 00:00:00")))
        scan.found(nil)
        #expect(scan.next() == .done)
    }

    @Test("an empty last window ends the pass without a seek")
    func emptyLastWindow() {
        var scan = IncrementalScan(from: .from(Self.at("2026-01-01 00:00:00")), bound: Self.at("2026-01-01 00:00:01"), windowSeconds: 3600, batchRows: 10)
        _ = scan.next()
        scan.read(rows: 0, last: nil)
        #expect(scan.next() == .done)
    }

    @Test("a position at or past the bound reads nothing: rows of the open tick wait for the next pass")
    func atBound() {
        let bound = Self.at("2026-01-01 10:00:01")
        var empty = IncrementalScan(from: .from(bound), bound: bound, windowSeconds: 60, batchRows: 10)
        #expect(empty.next() == .done)
        var scan = IncrementalScan(from: .afterRow(updatedAt: "2026-01-01 10:00:01", key: ["1"]), bound: bound, windowSeconds: 60, batchRows: 10)
        #expect(scan.next() == .done)
    }
}

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

    /// The `Status` of `SHOW ENGINE INNODB STATUS`, recorded from MariaDB 10.11.19 (Debian 12's), its header and
    /// TRANSACTIONS section: one session waiting for a row lock, one holding row locks it read with no
    /// write, one that updated a row.
    static let innoDBStatus = """
        =====================================
        2026-12-05 03:09:47 0x77ea801906c0 INNODB MONITOR OUTPUT
        =====================================
        Per second averages calculated from the last 39 seconds
        (the other sections left out)
        ------------
        TRANSACTIONS
        ------------
        Trx id counter 31968
        Purge done for trx's n:o < 31965 undo n:o < 0 state: running but idle
        History list length 0
        LIST OF TRANSACTIONS FOR EACH SESSION:
        ---TRANSACTION 31967, ACTIVE 1 sec starting index read
        mysql tables in use 1, locked 1
        LOCK WAIT 2 lock struct(s), heap size 1128, 1 row lock(s)
        MariaDB thread id 4684, OS thread handle 131848223344320, query id 130893 127.0.0.1 s2pg Updating
        UPDATE t SET v = 2 WHERE id = 1
        ------- TRX HAS BEEN WAITING 1200189 us FOR THIS LOCK TO BE GRANTED:
        RECORD LOCKS space id 1659 page no 3 n bits 320 index PRIMARY of table `probe_x`.`t` trx id 31967 lock_mode X locks rec but not gap waiting
        Record lock, heap no 2 PHYSICAL RECORD: n_fields 4; compact format; info bits 0
         0: len 4; hex 80000001; asc     ;;
         1: len 6; hex 000000007cdd; asc     | ;;
         2: len 7; hex 64000011030110; asc d      ;;
         3: len 4; hex 80000005; asc     ;;

        ------------------
        ---TRANSACTION 31966, ACTIVE 2 sec
        2 lock struct(s), heap size 1128, 3 row lock(s)
        MariaDB thread id 4683, OS thread handle 131848213513920, query id 130891 127.0.0.1 s2pg User sleep
        SELECT SLEEP(3)
        ---TRANSACTION 31965, ACTIVE 2 sec
        2 lock struct(s), heap size 1128, 1 row lock(s), undo log entries 1
        MariaDB thread id 4682, OS thread handle 131848223037120, query id 130887 127.0.0.1 s2pg User sleep
        SELECT SLEEP(3)
        --------
        FILE I/O
        --------
        """

    @Test("InnoDB's live report: each transaction's id, connection, whole seconds and whether it wrote or waits to write")
    func innoDBStatus() throws {
        let status = try #require(InnoDBStatus(Self.innoDBStatus))
        #expect(status.printedAt == SourceTimestamp("2026-12-05 03:09:47")!)
        #expect(status.transactions == [
            .init(id: "31967", thread: 4684, activeSeconds: 1, writes: true),
            .init(id: "31966", thread: 4683, activeSeconds: 2, writes: false),
            .init(id: "31965", thread: 4682, activeSeconds: 2, writes: true),
        ])
        // No transaction at all; "not started" and committed ones (MySQL lists them) are left out.
        let idle = Self.innoDBStatus.components(separatedBy: "---TRANSACTION 31967")[0] + "--------\nFILE I/O\n"
        #expect(InnoDBStatus(idle)?.transactions == [])
        let mysql = idle.replacingOccurrences(
            of: "SESSION:\n", with: "SESSION:\n---TRANSACTION 421, not started\n---TRANSACTION 9, COMMITTED IN MEMORY\n")
        #expect(InnoDBStatus(mysql)?.transactions == [])
        // A report cut short, or with no list or no time, tells nothing.
        #expect(InnoDBStatus(Self.innoDBStatus.replacingOccurrences(of: "---TRANSACTION 31966", with: "...truncated...\n---TRANSACTION 31966")) == nil)
        #expect(InnoDBStatus(Self.innoDBStatus.replacingOccurrences(of: "LIST OF TRANSACTIONS", with: "")) == nil)
        #expect(InnoDBStatus("") == nil)
        #expect(SourceDialect.mariaDB.liveTransactionsSQL == "SHOW ENGINE INNODB STATUS")
        #expect(SourceDialect.singleStore(version: "8.9.3").liveTransactionsSQL == nil)
        #expect(SourceDialect.sessionsOfThisDatabaseSQL([4684, 4682]).hasSuffix("DB = DATABASE() AND ID <> CONNECTION_ID() AND ID IN (4684, 4682)"))
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
