import Logging
import MariaDBClient
import PostgresClient

/// One pass over the selected tables, `sync.parallel_tables` at a time. A table that fails is recorded and
/// reported; the others still run. Each table is worked on under its `TableLease`, so two s2pg processes
/// never work on one table at once, and each pass of it is recorded in `PassHistory`.
public struct Replicator: Sendable {
    public let configuration: Configuration
    public let logger: Logger
    /// How this process names itself to others in the leases it takes.
    public let identity: TableLease.Identity
    /// Reloads' live progress line (see `TableSync.progressLine`).
    public let progressLine: (@Sendable (String?) -> Void)?

    public init(
        configuration: Configuration, logger: Logger, command: String = "sync", progressLine: (@Sendable (String?) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.logger = logger
        identity = TableLease.Identity(command: command)
        self.progressLine = progressLine
    }

    /// One table's outcome. A table another process held is a failure with `TableHeld`.
    public struct Outcome: Sendable {
        public var table: String
        public var result: Result<TableSyncResult, any Error>

        /// Held by another process and not waited for: skipped, not failed.
        public var skipped: TableHeld? {
            if case .failure(let held as TableHeld) = result, held.waited == nil { held } else { nil }
        }
    }

    /// Plans the tables (`only` narrows them to those names), migrates the state schema and syncs them; with
    /// `reload`, each table's cursor is forgotten first, under its lease; with `repair`, each table's rows
    /// are compared with the source's and repaired where they differ (`TableSync.repair`) instead.
    /// `allowMassDelete` lifts `sync.max_delete_fraction`. A table another process holds is
    /// waited for up to `wait`, or skipped when `wait` is `nil`. The configuration and table names are
    /// checked against the source before anything is written to the target. Throws only for what stops
    /// every table (unreachable databases, bad configuration).
    public func sync(
        only: [String] = [], reload: Bool = false, wait: Duration? = nil, allowMassDelete: Bool = false, repair: Bool = false
    ) async throws -> [Outcome] {
        let pools = Pools(configuration)
        let plans = try await prepare(pools, only: only)
        return try await sync(plans, reload: reload, wait: wait, allowMassDelete: allowMassDelete, repair: repair, pools: pools)
    }

    /// Connections kept between tables (and, in `s2pg run`, between passes).
    struct Pools: Sendable {
        let sources: ConnectionPool<MariaDBConnection>
        let targets: ConnectionPool<PostgresConnection>

        init(_ configuration: Configuration) {
            sources = ConnectionPool { try await MariaDBConnection.connect(configuration.source.connection) }
            targets = ConnectionPool { try await PostgresConnection.connect(configuration.target.connection) }
        }
    }

    /// Discovers the selected tables (of them, `only`'s when given), migrates the state schema and records
    /// which tables with state the source no longer has: what comes before syncing, in that order, so that a
    /// bad selection writes nothing. Returns the plans to sync.
    func prepare(_ pools: Pools, only: [String] = []) async throws -> [TablePlan] {
        let (configuration, logger) = (configuration, logger)
        let discovered = try await pools.sources.with { try await Discovery.discover(configuration, source: $0, logger: logger) }
        let plans = try Self.select(only, from: discovered.plans, configuration)
        let missing = try await pools.targets.with { target in
            try await Migrator(schema: configuration.target.stateSchema).migrate(target, logger: logger)
            return try await StateStore(schema: configuration.target.stateSchema).recordMissing(present: discovered.sourceTables, on: target)
        }
        for (table, since) in missing {
            logger.warning(
                "source table \(table) is missing since \(since) (dropped or renamed): its mirror is kept as it was and no longer synced",
                metadata: ["table.name": "\(table)"])
        }
        return plans
    }

    /// Syncs `plans`, `sync.parallel_tables` at a time (see `sync(only:)`). The mirrors of `inShape` are
    /// known to be in their plans' shape (see `TableSync.run`). A table `admit` turns away when its turn
    /// comes (given to another worker meanwhile) is left out: it has no outcome.
    func sync(
        _ plans: [TablePlan], reload: Bool = false, wait: Duration? = nil, allowMassDelete: Bool = false, repair: Bool = false,
        pools: Pools, inShape: Set<String> = [], admit: (@Sendable (String) async -> Bool)? = nil
    ) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        var pending = plans.makeIterator()
        try await withThrowingTaskGroup(of: Outcome?.self) { group in
            func startNext() {
                guard let plan = pending.next() else { return }
                group.addTask {
                    if let admit, await !admit(plan.sourceName) { return nil }
                    return await self.sync(
                        plan, reload: reload, wait: wait, allowMassDelete: allowMassDelete, repair: repair,
                        inShape: inShape.contains(plan.sourceName), sources: pools.sources, targets: pools.targets)
                }
            }
            for _ in 0..<configuration.sync.parallelTables { startNext() }
            while let outcome = try await group.next() {
                if let outcome {
                    ReplicatorMetrics.record(outcome)
                    outcomes.append(outcome)
                }
                startNext()
            }
        }
        return outcomes.sorted { $0.table < $1.table }
    }

    /// Forgets the cursors of `tables`, each under its lease (waiting up to `wait` for another process to
    /// finish with it), so their next sync reloads them. Returns the tables that had state.
    public func reset(_ tables: [String], wait: Duration) async throws -> [String] {
        let target = try await PostgresConnection.connect(configuration.target.connection)
        let schema = configuration.target.stateSchema
        // Without state there is nothing to forget, and nothing is created to find that out.
        guard try await StateStore(schema: schema).exists(on: target) else { return [] }
        try await Migrator(schema: schema).migrate(target, logger: logger)
        var reset: [String] = []
        for table in tables {
            let lease = TableLease(schema: schema, table: table)
            try await lease.acquire(as: identity, on: target, wait: wait)
            reset += try await StateStore(schema: schema).reset([table], on: target)
            try await lease.release(on: target)
        }
        return reset
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
        _ plan: TablePlan, reload: Bool, wait: Duration?, allowMassDelete: Bool, repair: Bool, inShape: Bool,
        sources: ConnectionPool<MariaDBConnection>, targets: ConnectionPool<PostgresConnection>
    ) async -> Outcome {
        let store = StateStore(schema: configuration.target.stateSchema)
        let lease = TableLease(schema: store.schema, table: plan.sourceName)
        let tableTarget: PostgresConnection
        do {
            tableTarget = try await targets.take()
            try await lease.acquire(as: identity, on: tableTarget, wait: wait)
        } catch {
            if let held = error as? TableHeld {
                logger.warning("\(held)", metadata: ["table.name": "\(plan.sourceName)"])
            } else {
                logger.error("table failed: \(error)", metadata: ["table.name": "\(plan.sourceName)"])
            }
            return Outcome(table: plan.sourceName, result: .failure(error))
        }
        let history = PassHistory(schema: store.schema)
        let identity = identity
        var record: String?
        do {
            if reload { try await store.reset([plan.sourceName], on: tableTarget) }
            record = try await tableTarget.run { try history.begin(plan.sourceName, by: identity, on: $0) }
            let source = try await sources.take()
            let result = try await pass(plan, inShape: inShape, repair: repair, allowMassDelete: allowMassDelete, source: source, target: tableTarget)
            await sources.giveBack(source)
            // The table is synced and committed whatever happens now: a history that cannot say so keeps the
            // pass unfinished; a connection that cannot give the lease back is dropped instead, which ends the
            // lease with it.
            if let record { _ = try? await tableTarget.run { try history.end(record, result: .success(result), on: $0) } }
            if (try? await lease.release(on: tableTarget)) != nil { await targets.giveBack(tableTarget) }
            log(result)
            return Outcome(table: plan.sourceName, result: .success(result))
        } catch is CancellationError {
            // Stopped between pages (s2pg run got a signal): the state is committed, nothing failed. The
            // connection is dropped, and the lease with it.
            logger.notice("stopped", metadata: ["table.name": "\(plan.sourceName)"])
            return Outcome(table: plan.sourceName, result: .failure(CancellationError()))
        } catch {
            logger.error("table failed: \(error)", metadata: ["table.name": "\(plan.sourceName)"])
            if let detail = (error as? PostgresError)?.detail {
                logger.debug("PostgreSQL's detail: \(detail)", metadata: ["table.name": "\(plan.sourceName)"])
            }
            // Still under the lease, after whatever transaction the failure left open; a connection that is
            // broken has lost the lease with it, and the error is recorded on a new one. Either way the
            // table's connection is not reused.
            _ = try? await tableTarget.rollback()
            if let record { _ = try? await tableTarget.run { try history.end(record, result: .failure(error), on: $0) } }
            if (try? await store.recordError("\(error)", for: plan.sourceName, on: tableTarget)) == nil,
                let target = try? await targets.take(),
                (try? await store.recordError("\(error)", for: plan.sourceName, on: target)) != nil
            {
                await targets.giveBack(target)
            }
            return Outcome(table: plan.sourceName, result: .failure(error))
        }
    }

    /// One table's pass (`TableSync.run`, or `repair`) on `source` and `target`. A page refused because the
    /// table changed at the source meanwhile (`SourceTableChanged`) starts the pass over on the new plan,
    /// once: a table that keeps changing under its passes fails, and the next pass plans it again.
    private func pass(
        _ plan: TablePlan, inShape: Bool, repair: Bool, allowMassDelete: Bool, source: MariaDBConnection, target: PostgresConnection
    ) async throws -> TableSyncResult {
        func attempt(_ plan: TablePlan, inShape: Bool) async throws -> TableSyncResult {
            var tableSync = TableSync(plan: plan, configuration: configuration, logger: logger)
            tableSync.allowMassDelete = allowMassDelete
            tableSync.progressLine = progressLine
            return try await repair ? tableSync.repair(source: source, target: target) : tableSync.run(source: source, target: target, inShape: inShape)
        }
        do {
            return try await attempt(plan, inShape: inShape)
        } catch let changed as SourceTableChanged {
            logger.info("\(changed): following the change into the mirror and reading the refused page again",
                        metadata: ["table.name": "\(plan.sourceName)"])
            return try await attempt(changed.plan, inShape: false)
        }
    }

    /// The line of a table synced; at debug when nothing changed: `s2pg run` may pass over it many times a second.
    private func log(_ result: TableSyncResult) {
        var metadata: Logger.Metadata = [
            "table.name": "\(result.table)", "sync.kind": "\(result.kind.rawValue)", "rows": "\(result.rows)",
            "pages": "\(result.pages)", "seconds": "\(Self.format(result.seconds))", "rows_per_second": "\(Int(result.rowsPerSecond))",
        ]
        if result.rejected > 0 { metadata["rejected"] = "\(result.rejected)" }
        if result.deleted > 0 { metadata["deleted"] = "\(result.deleted)" }
        if !result.counts.isZero { metadata["values_changed_by_policy"] = "\(result.counts)" }
        logger.log(level: result.foundChanges ? .info : .debug, "table synced", metadata: metadata)
    }

    /// Seconds with millisecond precision, for summaries.
    public static func format(_ seconds: Double) -> String {
        String(Double(Int(seconds * 1000)) / 1000)
    }
}
