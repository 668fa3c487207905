import Metrics

/// The metrics s2pg records, through swift-metrics (nothing is kept unless a backend is bootstrapped, as
/// `s2pg run --metrics` does with Prometheus). Every name and label is here; the label is the source table.
public enum ReplicatorMetrics {
    /// A table's pass: its rows, pages, deletes and refusals; a failure counts as an error.
    static func record(_ outcome: Replicator.Outcome) {
        let table = [("table", outcome.table)]
        switch outcome.result {
        case .success(let result):
            Counter(label: "s2pg_rows_applied_total", dimensions: table).increment(by: result.rows)
            Counter(label: "s2pg_rows_deleted_total", dimensions: table).increment(by: result.deleted)
            Counter(label: "s2pg_rows_rejected_total", dimensions: table).increment(by: result.rejected)
            Counter(label: "s2pg_pages_total", dimensions: table).increment(by: result.pages)
            Counter(label: "s2pg_table_passes_total", dimensions: table).increment()
        case .failure(let error) where error is CancellationError || outcome.skipped != nil:
            break
        case .failure:
            Counter(label: "s2pg_table_errors_total", dimensions: table).increment()
        }
    }

    /// A table's pass that found nothing (`LiveReplicator`'s probe): its other counters stay as they are, and
    /// are not looked up (each lookup takes the backend's lock; most passes of most tables are these).
    static func recordQuiet(_ table: String) {
        Counter(label: "s2pg_table_passes_total", dimensions: [("table", table)]).increment()
    }

    /// A whole pass over the tables, failed or not.
    public static func recordPass(_ duration: Duration) {
        Timer(label: "s2pg_pass_duration_seconds").record(duration: duration)
        Counter(label: "s2pg_passes_total").increment()
    }

    /// How far a reload has got: rows copied, against the source's estimate of its rows.
    static func recordReload(of table: String, rows: Int, estimated: Int) {
        Gauge(label: "s2pg_reload_rows", dimensions: [("table", table)]).record(rows)
        Gauge(label: "s2pg_reload_rows_estimated", dimensions: [("table", table)]).record(estimated)
    }

    /// Each table's freshness (`ServiceHealth.freshness`), set just before the metrics are read.
    public static func recordFreshness(_ freshness: [String: Duration]) {
        for (table, age) in freshness {
            Gauge(label: "s2pg_table_freshness_seconds", dimensions: [("table", table)]).record(age / .seconds(1))
        }
    }
}
