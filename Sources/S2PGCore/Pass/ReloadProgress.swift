/// A reload's progress, for its line every `every` (a log line every 10 s, or a terminal's live line every
/// second) and the reload gauges: rows copied of the source catalog's estimate, rows per second, and the
/// time left at that rate. Pure: tested without a database.
struct ReloadProgress {
    let table: String
    /// The catalog's estimate of the table's rows (0 when it has none).
    let estimated: Int
    /// Rows in the reload so far, those of an interrupted run it resumes included.
    private(set) var done: Int
    private var copied = 0
    private let started: ContinuousClock.Instant
    private var lastLine: ContinuousClock.Instant

    let every: Duration

    init(table: String, estimated: Int, done: Int = 0, every: Duration = .seconds(10), now: ContinuousClock.Instant = .now) {
        self.table = table
        self.every = every
        self.estimated = estimated
        self.done = done
        started = now
        lastLine = now
    }

    /// Counts `rows` more; returns the log line when one is due.
    mutating func advance(by rows: Int, now: ContinuousClock.Instant = .now) -> String? {
        done += rows
        copied += rows
        ReplicatorMetrics.recordReload(of: table, rows: done, estimated: estimated)
        guard now - lastLine >= every else { return nil }
        lastLine = now
        let rate = Double(copied) / max((now - started) / .seconds(1), 0.001)
        var line = "reloading: \(done) rows copied"
        // The estimate is a guess (InnoDB samples): a reload can pass it.
        if estimated > done { line += " of about \(estimated) (\(done * 100 / estimated)%)" }
        line += ", \(Int(rate)) rows/s"
        if estimated > done, rate > 0 { line += ", about \(Int((Double(estimated - done) / rate).rounded(.up))) s left" }
        return line
    }
}
