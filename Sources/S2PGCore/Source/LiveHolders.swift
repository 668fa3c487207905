/// What may still commit rows stamped before a reading of the source's live lists, followed from one look to
/// the next: transactions of this database's connections that have written rows (or wait to), from InnoDB's
/// report, and statements those connections are running that may write (MySQL stamps `NOW()` when a
/// statement starts, before it writes a row: one still opening its table is in no transaction list yet).
/// Pure: unit-tested without a database.
struct LiveHolders: Sendable, Equatable {
    /// A connection of this database, from `SourceDialect.sessionsSQL`.
    struct Session: Sendable, Hashable {
        var thread: Int
        /// The statement it is running (`QUERY_ID`): a later one has another.
        var query: String
        /// Microseconds since that statement started, rounded up.
        var ageMicroseconds: Int
        /// Whether that statement may write: any but `SELECT` and `SHOW`.
        var writing: Bool

        /// Rows of `SourceDialect.sessionsSQL`: thread, query id, milliseconds running (`305.890`), writing (1 or 0).
        static func parse(_ rows: [[String?]]) -> [Session]? {
            var sessions: [Session] = []
            for row in rows {
                guard row.count == 4, let thread = row[0].flatMap({ Int($0) }), let query = row[1],
                    let milliseconds = row[2].flatMap({ Double($0) }), milliseconds >= 0
                else { return nil }
                // The server counts from a moment it took, not the statement's very start: one more millisecond.
                sessions.append(Session(thread: thread, query: query, ageMicroseconds: Int((milliseconds * 1000).rounded(.up)) + 1000, writing: row[3] == "1"))
            }
            return sessions
        }
    }

    enum Holder: Sendable, Hashable {
        /// A transaction, by InnoDB's id; `ageMicroseconds` at the first look, never under the truth.
        case transaction(id: String, thread: Int, ageMicroseconds: Int)
        /// A statement running, by its connection and query id.
        case statement(thread: Int, query: String, ageMicroseconds: Int)
    }

    private(set) var holders: [Holder]
    /// The transactions InnoDB listed at the first look, whatever their state.
    private let listedFirst: Set<String>

    /// The first look: this database's writing transactions, and the writing statements of its other
    /// connections (a connection in a writing transaction holds from that transaction's start, earlier).
    init(_ status: InnoDBStatus, _ sessions: [Session]) {
        let threads = Set(sessions.map(\.thread))
        listedFirst = Set(status.transactions.map(\.id))
        let transactions: [Holder] = status.transactions.compactMap { transaction in
            guard transaction.writes, let thread = transaction.thread, threads.contains(thread) else { return nil }
            // The monitor counts whole seconds on both sides: a transaction's age is under one more than it says.
            return .transaction(id: transaction.id, thread: thread, ageMicroseconds: (transaction.activeSeconds + 1) * 1_000_000)
        }
        let inTransactions = Set(transactions.compactMap { if case .transaction(_, let thread, _) = $0 { thread } else { nil } })
        holders = transactions + sessions.filter { $0.writing && !inTransactions.contains($0.thread) }.map {
            .statement(thread: $0.thread, query: $0.query, ageMicroseconds: $0.ageMicroseconds)
        }
    }

    /// A later look: a transaction holds while InnoDB lists it; a statement while it runs, and then, if its
    /// connection is left in a transaction that wrote and was already listed at the first look, as that
    /// transaction (its rows are stamped no earlier than the statement's start). A transaction listed only
    /// since began after the first look: the next statement's, stamped later (MariaDB counts `TIME_MS` of a
    /// stored procedure's statements from the `CALL`, so the statement's age would hold the bound seconds
    /// back for it).
    mutating func look(_ status: InnoDBStatus, _ sessions: [Session]) {
        let listed = Set(status.transactions.map(\.id))
        let running = Set(sessions.filter(\.writing).map { [String($0.thread), $0.query] })
        holders = holders.compactMap { holder in
            switch holder {
            case .transaction(let id, _, _):
                return listed.contains(id) ? holder : nil
            case .statement(let thread, let query, let age):
                if running.contains([String(thread), query]) { return holder }
                return status.transactions.first { $0.thread == thread && $0.writes && listedFirst.contains($0.id) }.map {
                    .transaction(id: $0.id, thread: thread, ageMicroseconds: age)
                }
            }
        }
    }

    /// What still holds, as open transactions seen at a reading printed at `printedAt` (the source's time).
    func transactions(printedAt: SourceTimestamp) -> [OpenTransaction] {
        holders.map { holder in
            switch holder {
            case .transaction(let id, let thread, let age):
                OpenTransaction(holder: String(thread), started: printedAt.adding(microseconds: -age).description, ageMicroseconds: age, id: id)
            case .statement(let thread, let query, let age):
                OpenTransaction(holder: String(thread), started: printedAt.adding(microseconds: -age).description, ageMicroseconds: age, id: "query " + query)
            }
        }
    }
}
