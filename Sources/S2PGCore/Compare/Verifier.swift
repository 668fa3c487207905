import Logging
import MariaDBClient
import PostgresClient

/// `s2pg verify`: compares each bucket of a table's rows on both sides (see `ComparisonQueries`), then reads
/// only the buckets that differ, key by key, so every missing, extra or different row is found at the cost
/// of one aggregate scan per side, with memory that does not grow with the table.
public struct Verifier: Sendable {
    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// `s2pg verify`'s steps: each of `plans` compared, over one pair of connections; with `repair`, the
    /// tables that differ repaired through `replicator` (each under its lease, waited for up to `wait`) and
    /// compared again. `line` gets each comparison's summary and each repair's outcome as they come. Returns
    /// the last report of each table.
    public func run(
        _ plans: [TablePlan], repair: Bool, replicator: Replicator, wait: Duration, allowMassDelete: Bool, line: (String) -> Void
    ) async throws -> [VerifyReport] {
        let source = try await MariaDBConnection.connect(configuration.source.connection)
        let target = try await PostgresConnection.connect(configuration.target.connection)
        func compare(_ plans: [TablePlan]) async throws -> [VerifyReport] {
            var reports: [VerifyReport] = []
            for plan in plans {
                let report = try await verify(plan, source: source, target: target)
                line(report.summary)
                reports.append(report)
            }
            return reports
        }
        let reports = try await compare(plans)
        let differing = reports.filter { !$0.isEqual }.map(\.table)
        guard repair, !differing.isEmpty else { return reports }
        for outcome in try await replicator.sync(only: differing, wait: wait, allowMassDelete: allowMassDelete, repair: true) {
            switch outcome.result {
            case .success(let result): line("\(outcome.table): repaired: \(result.rows) rows upserted, \(result.deleted) deleted")
            case .failure(let error): line("\(outcome.table): NOT REPAIRED: \(error)")
            }
        }
        let again = try await compare(plans.filter { differing.contains($0.sourceName) })
        return reports.filter(\.isEqual) + again
    }

    /// Compares one table, over connections of its own.
    public func verify(_ plan: TablePlan) async throws -> VerifyReport {
        try await verify(
            plan, source: try await MariaDBConnection.connect(configuration.source.connection),
            target: try await PostgresConnection.connect(configuration.target.connection))
    }

    func verify(_ plan: TablePlan, source: MariaDBConnection, target: PostgresConnection) async throws -> VerifyReport {
        let comparer = try await TableComparer.prepare(
            plan, keysOnly: false, since: configuration.sync.start(of: plan), source: source, target: target)
        var report = VerifyReport(table: plan.sourceName)
        report.uncomparedColumns = comparer.queries.uncomparedColumns
        let summary = try await comparer.summarize(source: source, target: target)
        report.sourceRows = summary.sourceRows
        report.targetRows = summary.targetRows
        for group in comparer.groups(summary) {
            let differences = try await comparer.differences(in: group, source: source, target: target).differences
            for row in differences.missing { report.record(comparer.queries.display(row), in: \.missing, count: \.missingCount) }
            for row in differences.extra { report.record(comparer.queries.display(row), in: \.extra, count: \.extraCount) }
            for row in differences.different { report.record(comparer.queries.display(row), in: \.different, count: \.differentCount) }
        }
        return report
    }
}
