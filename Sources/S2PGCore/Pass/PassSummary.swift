/// What `s2pg run` makes of one pass's outcomes: which tables failed or were skipped, whether the pass found
/// changes, and when the next pass starts. Pure: unit-tested without a database.
public struct PassSummary: Sendable, Equatable {
    /// Tables that failed (a table stopped by the signal did not: its state is committed).
    public var failed: [String]
    /// Tables another process held, skipped and tried again next pass.
    public var skipped: [String]
    /// Tables found quiet by the change probe.
    public var probedQuiet: Int
    /// Whether a table found rows past its cursor, repaired or deleted rows, or was reloaded.
    public var changed: Bool
    /// The soonest any table's rows left for the clock's open tick can be read (`TableSyncResult.readableIn`).
    public var readableIn: Duration?

    public init(_ outcomes: [Replicator.Outcome]) {
        failed = outcomes.filter {
            if case .failure(let error) = $0.result { !(error is CancellationError) && $0.skipped == nil } else { false }
        }.map(\.table)
        skipped = outcomes.filter { $0.skipped != nil }.map(\.table)
        let results = outcomes.compactMap { try? $0.result.get() }
        probedQuiet = results.count { $0.probed }
        changed = results.contains { $0.foundChanges }
        readableIn = results.compactMap(\.readableIn).min()
    }

    /// When the next pass starts, for a pass that started at `started` and ended at `ended`: at once after
    /// one that found changes (changes come in bursts); once rows left for the clock's open tick can be read;
    /// otherwise `period` after this one started.
    public func nextPass(started: ContinuousClock.Instant, ended: ContinuousClock.Instant, period: Duration) -> ContinuousClock.Instant {
        if changed { return ended }
        return min(started + period, ended + (readableIn ?? period))
    }

    /// Whether `error`, which failed a whole pass, stops `s2pg run`: a configuration the source contradicts
    /// (a table it does not have) will not heal; a database that is down now may be back by the next pass.
    public static func stops(on error: any Error) -> Bool {
        error is CancellationError || (error as? S2PGError)?.code == .configuration
    }
}
