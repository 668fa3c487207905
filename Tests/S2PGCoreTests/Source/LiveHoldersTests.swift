import Testing

@testable import S2PGCore

@Suite("LiveHolders: what may still commit rows stamped before a reading, look by look")
struct LiveHoldersTests {
    typealias Session = LiveHolders.Session

    static func status(_ transactions: [InnoDBStatus.Transaction]) -> InnoDBStatus {
        var status = InnoDBStatus(InnoDBStatusTests.innoDBStatus)!
        status.transactions = transactions
        return status
    }

    static func writer(_ id: String, thread: Int, seconds: Int = 0) -> InnoDBStatus.Transaction {
        .init(id: id, thread: thread, activeSeconds: seconds, writes: true)
    }

    @Test("first look: writing transactions of this database's connections, and writing statements of the others")
    func first() {
        let status = Self.status([
            Self.writer("10", thread: 1, seconds: 2), Self.writer("11", thread: 9),  // thread 9 uses another database
            .init(id: "12", thread: 2, activeSeconds: 5, writes: false),
        ])
        let sessions = [
            Session(thread: 1, query: "100", ageMicroseconds: 5_000, writing: true),  // inside transaction 10: held by it
            Session(thread: 2, query: "200", ageMicroseconds: 3_000, writing: false),
            Session(thread: 3, query: "300", ageMicroseconds: 7_000, writing: true),
        ]
        let holders = LiveHolders(status, sessions)
        #expect(holders.holders == [
            .transaction(id: "10", thread: 1, ageMicroseconds: 3_000_000), .statement(thread: 3, query: "300", ageMicroseconds: 7_000),
        ])
        let seen = holders.transactions(printedAt: SourceTimestamp("2026-12-05 03:09:47")!)
        #expect(seen.map(\.holder) == ["1", "3"])
        #expect(seen[1].started == "2026-12-05 03:09:46.993000")
    }

    @Test("later looks: a transaction holds while listed; a statement while it runs, then as the transaction it left open")
    func later() {
        var holders = LiveHolders(
            Self.status([Self.writer("10", thread: 1), .init(id: "20", thread: 4, activeSeconds: 0, writes: false)]),
            [Session(thread: 1, query: "100", ageMicroseconds: 1_000, writing: false),
             Session(thread: 3, query: "300", ageMicroseconds: 7_000, writing: true),
             Session(thread: 4, query: "400", ageMicroseconds: 2_000, writing: true),
             Session(thread: 5, query: "500", ageMicroseconds: 3_000_000, writing: true)])
        // Transaction 10 committed; statement 300 still runs; statement 400 ended inside transaction 20, which
        // it wrote in; statement 500 ended, and its connection runs the next one, in transaction 30, begun since.
        holders.look(
            Self.status([Self.writer("20", thread: 4), Self.writer("30", thread: 5)]),
            [Session(thread: 3, query: "300", ageMicroseconds: 9_000, writing: true), Session(thread: 4, query: "401", ageMicroseconds: 0, writing: false),
             Session(thread: 5, query: "501", ageMicroseconds: 3_010_000, writing: true)])
        #expect(holders.holders == [
            .statement(thread: 3, query: "300", ageMicroseconds: 7_000), .transaction(id: "20", thread: 4, ageMicroseconds: 2_000),
        ])
        // Statement 300 ended in autocommit (committed), transaction 20 committed: nothing holds.
        holders.look(Self.status([]), [Session(thread: 3, query: "301", ageMicroseconds: 0, writing: true)])
        #expect(holders.holders.isEmpty)
    }

    @Test("PROCESSLIST rows: thread, query id, milliseconds (a millisecond more), writing; anything else is no reading")
    func sessions() {
        #expect(Session.parse([["7", "55", "305.890", "1"], ["8", "56", "0.000", "0"]]) == [
            Session(thread: 7, query: "55", ageMicroseconds: 306_890, writing: true), Session(thread: 8, query: "56", ageMicroseconds: 1_000, writing: false),
        ])
        #expect(Session.parse([["7", "55", "-1.000", "1"]]) == nil)
        #expect(Session.parse([["7", "55", nil, "1"]]) == nil)
        #expect(SourceDialect.sessionsSQL.contains("DB = DATABASE() AND ID <> CONNECTION_ID()"))
        #expect(SourceDialect.sessionsSQL.contains(
            "INFO NOT REGEXP '^([[:space:]]|/[*].*[*]/)*[(]*[[:space:]]*(SELECT|SHOW|WITH|EXPLAIN|DESCRIBE|DESC)[[:space:]]'"))
        #expect(!SourceDialect.sessionsSQL.contains("\\"))
    }
}
