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

    public func verify(_ plan: TablePlan) async throws -> VerifyReport {
        let source = try await MariaDBConnection.connect(configuration.source.connection)
        let target = try await PostgresConnection.connect(configuration.target.connection)
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
