/// What one table's sync did, for the summary and the logs.
public struct TableSyncResult: Sendable {
    public enum Kind: String, Sendable {
        case incremental
        case reload
        /// A full-mode table compared with its source and repaired in place.
        case reconcile
        /// A keyless full-mode table found equal to its source: nothing to reload.
        case unchanged
    }

    public var table: String
    public var kind: Kind
    public var rows: Int
    public var pages: Int
    public var rejected: Int
    /// Mirror rows deleted because the source no longer has them.
    public var deleted = 0
    public var seconds: Double
    public var counts: ValuePolicyCounts
    /// Whether the pass found the source changed: rows past the cursor, rows repaired or deleted, a reload
    /// (rows read again by `sync.lookback_seconds` are not changes).
    public var foundChanges = false
    /// Found with nothing past its cursor by `s2pg run`'s change probe (`LiveReplicator`), and not otherwise
    /// touched.
    public var probed = false
    /// How far the pass's reads stopped behind the source's clock (see `ReadBound`), and the open transaction
    /// that held them there, if one did; `nil` when the pass read no rows by the cursor.
    public var held: Hold?

    /// Rows past the cursor that the pass left at or past its read bound though no transaction holds them
    /// (the clock's open tick, or rows newer than its reading): how long until the next pass can read them.
    /// `s2pg run` passes again then rather than after a whole interval.
    public var readableIn: Duration?

    public struct Hold: Sendable {
        public var microseconds: Int
        public var transaction: OpenTransaction?
    }

    public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
}
