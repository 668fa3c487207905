/// What `s2pg run` knows of its tables between passes, for `/readyz` and the freshness metric: when each
/// table's last successful pass began, and whether its last pass succeeded. Pure state: tested without a
/// database or a server.
public struct ServiceHealth: Sendable {
    /// The period of `run`'s passes: a table is ready while its last pass succeeded and began within three
    /// (of the period, or of the last pass's length when passes take longer than the period).
    public let interval: Duration
    private var lastSuccess: [String: ContinuousClock.Instant] = [:]
    /// How far each table's last successful pass held its reads back behind the source's clock (`ReadBound`).
    private var heldBack: [String: Duration] = [:]
    private var failing: Set<String> = []
    private var passes = 0
    private var lastPass: Duration = .zero

    public init(interval: Duration) {
        self.interval = interval
    }

    /// Records a pass that began at `started` (tables another process held count neither way). A table the
    /// pass no longer had (dropped at the source, or from the configuration) is no longer watched.
    public mutating func record(_ outcomes: [Replicator.Outcome], started: ContinuousClock.Instant, ended: ContinuousClock.Instant) {
        passes += 1
        lastPass = ended - started
        let tables = Set(outcomes.map(\.table))
        lastSuccess = lastSuccess.filter { tables.contains($0.key) }
        heldBack = heldBack.filter { tables.contains($0.key) }
        failing.formIntersection(tables)
        for outcome in outcomes where outcome.skipped == nil {
            switch outcome.result {
            case .success(let result):
                lastSuccess[outcome.table] = started
                heldBack[outcome.table] = .microseconds(result.held?.microseconds ?? 0)
                failing.remove(outcome.table)
            case .failure(let error) where error is CancellationError:
                continue
            case .failure:
                failing.insert(outcome.table)
            }
        }
    }

    /// Ready once a pass has completed and every table's last pass succeeded and began less than three
    /// intervals ago (a source that went down fails every pass, so its tables age out); otherwise why not.
    /// Passes that take longer than the interval stretch it: a slow pass is not a failing one.
    public func readiness(at now: ContinuousClock.Instant = .now) -> (ready: Bool, reason: String) {
        guard passes > 0 else { return (false, "no pass has completed yet") }
        if let table = failing.sorted().first { return (false, "the last pass of table \(table) failed") }
        let limit = max(interval, lastPass) * 3
        if let (table, _) = lastSuccess.sorted(by: { $0.key < $1.key }).first(where: { now - $0.value > limit }) {
            return (false, "table \(table) has not completed a pass for more than 3 intervals (\(limit))")
        }
        return (true, "ready")
    }

    /// Each table's freshness: how long ago the last pass that succeeded for it began, plus what that pass's
    /// read bound held back (an open tick, an open transaction). Everything the source had committed by then
    /// is in the mirror (on the source's clock, as far as clocks agree on how long a second is).
    public func freshness(at now: ContinuousClock.Instant = .now) -> [String: Duration] {
        lastSuccess.reduce(into: [:]) { freshness, entry in freshness[entry.key] = now - entry.value + (heldBack[entry.key] ?? .zero) }
    }
}
