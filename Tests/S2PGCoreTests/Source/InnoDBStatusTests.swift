import Foundation
import Testing

@testable import S2PGCore

@Suite("InnoDB's live report of its transactions")
struct InnoDBStatusTests {
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
    }
}
