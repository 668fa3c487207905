import Logging
import MariaDBClient

/// `s2pg discover`: what s2pg would do with every selected table, without touching the target.
public enum Discovery {
    public static func run(_ configuration: Configuration, logger: Logger) async throws -> [TablePlan] {
        let source = try await MariaDBConnection.connect(configuration.source.connection)
        let plans = try await plans(configuration, source: source, logger: logger)
        if let incremental = plans.first(where: { $0.mode == .incremental }),
            let warning = try await OpenTransactions.visibilityWarning(on: source, dialect: incremental.dialect, configuration) {
            logger.warning("\(warning)")
        }
        return plans
    }

    static func plans(_ configuration: Configuration, source connection: MariaDBConnection, logger: Logger) async throws -> [TablePlan] {
        try await discover(configuration, source: connection, logger: logger).plans
    }

    /// The plans of the selected tables, and the names of every table the source has.
    static func discover(
        _ configuration: Configuration, source connection: MariaDBConnection, logger: Logger
    ) async throws -> (plans: [TablePlan], sourceTables: [String]) {
        let catalog = try await SourceCatalog.load(from: connection, configuredZone: configuration.source.timeZone)
        let plans = try TablePlanner(sync: configuration.sync, targetSchema: configuration.target.schema).plan(catalog)
        for plan in plans {
            for warning in plan.warnings { logger.warning("\(warning)", metadata: ["table.name": "\(plan.sourceName)"]) }
        }
        return (plans, catalog.tables.map(\.name))
    }
}
