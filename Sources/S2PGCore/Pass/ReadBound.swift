/// Where a pass's reads of an incremental table stop, exclusive: rows whose cursor value is below `bound` are
/// read, the rest wait for a later pass. Two things keep rows that are not all committed yet out of reach:
///
/// - **the open tick**: more rows can still be written in the tick (of the cursor column's precision) the
///   source's clock is in, so the bound is that tick's start. A whole-second `updated_at` waits up to a
///   second; a microsecond one nothing measurable.
/// - **open transactions**: MySQL stamps `NOW()` when a statement starts, and its rows become visible when
///   the transaction commits, maybe long after; the bound never passes the start of the oldest transaction
///   still open that has written rows (or waits for a row lock to write). A source that does not say which
///   transactions are open (no privilege) gets `sync.settle_delay` instead.
///
/// Pure: the caller reads the clock and the open transactions (`OpenTransactions`).
public struct ReadBound: Sendable, Hashable {
    /// The first cursor value not read.
    public var bound: SourceTimestamp
    /// The transaction that holds the bound below the open tick, if one does.
    public var heldBy: OpenTransaction?
    /// Transactions open longer than `sync.max_hold`, no longer waited for.
    public var overdue: [OpenTransaction]

    /// What the source said of its open transactions.
    public enum Visibility: Sendable, Hashable {
        /// The transactions open when it was asked that have written rows (or wait to), by age.
        case seen([OpenTransaction])
        /// Why the source did not say (no privilege, no such view): the settle delay stands in.
        case hidden(String)
    }

    /// The bound for a pass whose clock (in the cursor column's zone) read `clock`, for a cursor column of
    /// `precision` fractional digits. `lagMicroseconds`: how long before the clock's answer arrived the
    /// source was asked about its transactions (0 when asked after it): a reading shared by the tables of a
    /// pass says nothing of transactions begun after it, so the bound stays at or before its moment.
    /// A transaction open longer than `maxHoldSeconds` stops holding the table back (one forgotten session
    /// must not freeze every mirror): its rows, once it commits, are behind the cursor, and the next
    /// comparison of keys and cursor values repairs them.
    public static func decide(
        clock: SourceTimestamp, precision: Int, visibility: Visibility, lagMicroseconds: Int, settleSeconds: Int, maxHoldSeconds: Int
    ) -> ReadBound {
        let tick = clock.truncated(toDigits: precision)
        switch visibility {
        case .hidden:
            return ReadBound(bound: tick.adding(seconds: -settleSeconds), heldBy: nil, overdue: [])
        case .seen(let open):
            let seen = min(tick, clock.adding(microseconds: -lagMicroseconds))
            let overdue = open.filter { $0.ageMicroseconds > maxHoldSeconds * 1_000_000 }
            // The oldest transaction waited for started no earlier than the reading's moment less its age (an
            // age measured from a start the source keeps in whole seconds or finer is never under the truth).
            guard let oldest = open.filter({ $0.ageMicroseconds <= maxHoldSeconds * 1_000_000 }).max(by: { $0.ageMicroseconds < $1.ageMicroseconds }) else {
                return ReadBound(bound: seen, heldBy: nil, overdue: overdue)
            }
            let start = clock.adding(microseconds: -lagMicroseconds - oldest.ageMicroseconds)
            return start < seen ? ReadBound(bound: start, heldBy: oldest, overdue: overdue) : ReadBound(bound: seen, heldBy: nil, overdue: overdue)
        }
    }

    /// How far the bound is behind the clock, in microseconds: what the mirror lags by once the pass is done.
    public func held(behind clock: SourceTimestamp) -> Int {
        max(0, clock.microseconds(since: bound))
    }

    /// Microseconds from `clock` until its open tick (of `precision` fractional digits) ends: when rows that
    /// wait only for the tick (no transaction holds them) can be read.
    public static func tickEnds(after clock: SourceTimestamp, precision: Int) -> Int {
        let tick = (0..<max(0, 6 - precision)).reduce(1) { length, _ in length * 10 }
        return clock.truncated(toDigits: precision).adding(microseconds: tick).microseconds(since: clock)
    }
}

/// A transaction open at the source that has written rows (or waits to).
public struct OpenTransaction: Sendable, Hashable {
    /// Who holds it, as the source names it: the connection (thread) id on MariaDB/MySQL, which
    /// `KILL` takes; the distributed transaction's id on SingleStore.
    public var holder: String
    /// Its start as the source reports it.
    public var started: String
    /// Microseconds from its start to when it was seen.
    public var ageMicroseconds: Int
    /// The transaction's own id (InnoDB's `trx_id`; SingleStore's distributed transaction id): a later
    /// transaction of the same connection has another.
    public var id: String

    public init(holder: String, started: String, ageMicroseconds: Int, id: String) {
        self.holder = holder
        self.started = started
        self.ageMicroseconds = ageMicroseconds
        self.id = id
    }

    /// Rows of `SourceDialect.openTransactionsSQL`: holder, start, age in microseconds, id.
    static func parse(_ rows: [[String?]]) throws -> [OpenTransaction] {
        try rows.map { row in
            guard row.count == 4, let holder = row[0], let started = row[1], let age = row[2].flatMap({ Int($0) }), let id = row[3] else {
                throw S2PGError(code: .source, message: "the source's list of open transactions has a row s2pg cannot read")
            }
            return OpenTransaction(holder: holder, started: started, ageMicroseconds: max(0, age), id: id)
        }
    }
}
