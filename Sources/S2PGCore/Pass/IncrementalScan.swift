/// The decisions of one incremental pass over a table, without I/O: which page to read next, where an empty
/// stretch is skipped, and where the pass stands after each answer. Rows are read in `(updated_at, key)`
/// order from the stored position up to the pass's `ReadBound` (exclusive), in windows of at most
/// `windowSeconds`, `batchRows` rows a page.
///
/// The caller runs what `next()` asks and reports the answer (`read` or `found`) until it says `done`. The
/// position it reports after a page with rows is the one to commit with that page.
public struct IncrementalScan: Sendable, Hashable {
    public enum Step: Sendable, Hashable {
        /// Read the rows after `position` with a cursor value below `before`, at most `limit` of them, in order.
        case page(after: ScanPosition, before: SourceTimestamp, limit: Int)
        /// Find the smallest cursor value at or after `from` and below `before`.
        case seek(from: SourceTimestamp, before: SourceTimestamp)
        case done
    }

    public private(set) var position: ScanPosition
    public let bound: SourceTimestamp
    let windowSeconds: Int
    let batchRows: Int
    private var pending: Step?

    public init(from position: ScanPosition, bound: SourceTimestamp, windowSeconds: Int, batchRows: Int) {
        self.position = position
        self.bound = bound
        self.windowSeconds = windowSeconds
        self.batchRows = batchRows
    }

    /// What to do next.
    public mutating func next() -> Step {
        if let pending { return pending }
        guard let start = position.timestamp, start < bound else { return finish() }
        let step = Step.page(after: position, before: min(start.adding(seconds: windowSeconds), bound), limit: batchRows)
        pending = step
        return step
    }

    /// A page asked for by `next()` returned `rows` rows, the last of them at `last` (its cursor value and key).
    public mutating func read(rows: Int, last: ScanPosition?) {
        guard case .page(_, let windowEnd, _) = pending else { preconditionFailure("read without a page asked for") }
        pending = nil
        if let last, rows > 0 { position = last }
        if rows == 0 {
            // The window is empty: the next row below the bound, if any, starts the next one.
            pending = windowEnd < bound ? .seek(from: windowEnd, before: bound) : .done
        } else if rows < batchRows {
            // The window is read to its end.
            if windowEnd < bound { position = .from(windowEnd) } else { pending = .done }
        }
    }

    /// A seek asked for by `next()` found the next cursor value `next`, or none.
    public mutating func found(_ next: SourceTimestamp?) {
        guard case .seek = pending else { preconditionFailure("found without a seek asked for") }
        pending = nil
        if let next { position = .from(next) } else { pending = .done }
    }

    private mutating func finish() -> Step {
        pending = .done
        return .done
    }
}
