import Logging
import MariaDBClient
import PostgresClient

/// One pass over the selected tables, `sync.parallel_tables` at a time. A table that fails is recorded and
/// reported; the others still run.
public struct Replicator: Sendable {
    public let configuration: Configuration
    public let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// One table's outcome.
    public struct Outcome: Sendable {
        public var table: String
        public var result: Result<TableSyncResult, any Error>
    }

    /// Migrates the state schema, plans the tables (`only` narrows them to those names) and syncs them.
    /// Throws only for what stops every table (unreachable databases, bad configuration).
    public func sync(only: [String] = [], reload: Bool = false) async throws -> [Outcome] {
        let configuration = configuration
        let sources = ConnectionPool { try await MariaDBConnection.connect(configuration.source.connection) }
        let targets = ConnectionPool { try await PostgresConnection.connect(configuration.target.connection) }
        let target = try await targets.take()
        try await Migrator(schema: configuration.target.stateSchema).migrate(target, logger: logger)
        let source = try await sources.take()
        let plans = try Self.select(only, from: try await Discovery.plans(configuration, source: source, logger: logger), configuration)
        await sources.giveBack(source)
        if reload {
            try await StateStore(schema: configuration.target.stateSchema).reset(plans.map(\.sourceName), on: target)
        }
        await targets.giveBack(target)
        var outcomes: [Outcome] = []
        var pending = plans.makeIterator()
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            func startNext() {
                guard let plan = pending.next() else { return }
                group.addTask { await self.sync(plan, sources: sources, targets: targets) }
            }
            for _ in 0..<configuration.sync.parallelTables { startNext() }
            while let outcome = try await group.next() {
                outcomes.append(outcome)
                startNext()
            }
        }
        return outcomes.sorted { $0.table < $1.table }
    }

    /// The plans of the selected tables; `only` must name selected tables.
    public func plans(only: [String]) async throws -> [TablePlan] {
        try Self.select(only, from: try await Discovery.run(configuration, logger: logger), configuration)
    }

    private static func select(_ only: [String], from plans: [TablePlan], _ configuration: Configuration) throws -> [TablePlan] {
        let known = Set(plans.map(\.sourceName))
        if let unknown = only.first(where: { !known.contains($0) }) {
            throw S2PGError(
                code: .configuration,
                message: "--table \(unknown): no such table among the selected tables of \(configuration.source.connection.database ?? "the source")")
        }
        return only.isEmpty ? plans : plans.filter { only.contains($0.sourceName) }
    }

    private func sync(
        _ plan: TablePlan, sources: ConnectionPool<MariaDBConnection>, targets: ConnectionPool<PostgresConnection>
    ) async -> Outcome {
        do {
            let source = try await sources.take()
            let tableTarget = try await targets.take()
            let result = try await TableSync(plan: plan, configuration: configuration, logger: logger)
                .run(source: source, target: tableTarget)
            await sources.giveBack(source)
            await targets.giveBack(tableTarget)
            var metadata: Logger.Metadata = [
                "table.name": "\(plan.sourceName)", "sync.kind": "\(result.kind.rawValue)", "rows": "\(result.rows)",
                "pages": "\(result.pages)", "seconds": "\(Self.format(result.seconds))",
                "rows_per_second": "\(Int(result.rowsPerSecond))",
            ]
            if result.rejected > 0 { metadata["rejected"] = "\(result.rejected)" }
            if !result.counts.isZero { metadata["values_changed_by_policy"] = "\(result.counts)" }
            logger.info("table synced", metadata: metadata)
            return Outcome(table: plan.sourceName, result: .success(result))
        } catch is CancellationError {
            // Stopped between pages (s2pg run got a signal): the state is committed, nothing failed.
            logger.notice("stopped", metadata: ["table.name": "\(plan.sourceName)"])
            return Outcome(table: plan.sourceName, result: .failure(CancellationError()))
        } catch {
            logger.error("table failed: \(error)", metadata: ["table.name": "\(plan.sourceName)"])
            // On a connection of its own: the table's may be in a failed transaction.
            if let target = try? await targets.take(),
                (try? await StateStore(schema: configuration.target.stateSchema).recordError("\(error)", for: plan.sourceName, on: target)) != nil
            {
                await targets.giveBack(target)
            }
            return Outcome(table: plan.sourceName, result: .failure(error))
        }
    }

    /// Seconds with millisecond precision, for summaries.
    public static func format(_ seconds: Double) -> String {
        String(Double(Int(seconds * 1000)) / 1000)
    }
}
