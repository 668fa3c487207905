import Logging
import MariaDBClient
import PostgresClient

/// `s2pg run`'s passes. A pass is `Replicator`'s, less what the previous passes already know: the catalog
/// (read again when its fingerprint moves, every `sync.catalog_refresh`, and after a table fails), the
/// connections (kept while in use), and which tables' mirrors are in their current plan's shape (read for
/// all when the catalog is read, and left so by each whole pass). Those incremental tables are first asked
/// together, in a statement or two (`ChangeProbe`), whether they have rows past their cursors; the ones
/// that have none are recorded current in one statement and not otherwise touched. Every other table gets a
/// whole pass of its own, without the mirror check when its mirror is known to be in shape. Each pass covers
/// only the tables assigned to this worker (`WorkerRegistry`), claimed again during a long pass: several
/// `s2pg run` processes on one target share its tables.
public actor LiveReplicator {
    public nonisolated let replicator: Replicator
    public nonisolated let registry: WorkerRegistry
    private let pools: Replicator.Pools
    private var plans: [TablePlan] = []
    private var catalogRead: ContinuousClock.Instant?
    /// `SourceCatalog.fingerprintSQL`'s answer when the catalog was read.
    private var catalogFingerprint: [String?] = []
    /// The plan each table's mirror is known to be in the shape of: read so, or left so by a whole pass.
    private var verified: [String: TablePlan] = [:]
    /// The tables selected and this worker's among them, as the last claim left them, and when that was.
    private var selected: [String] = []
    private var mine: Set<String> = []
    private var claimed = ContinuousClock.now
    /// The tables the pass under way has begun.
    private var started: Set<String> = []

    public init(_ replicator: Replicator) {
        self.replicator = replicator
        let configuration = replicator.configuration
        registry = WorkerRegistry(
            schema: configuration.target.stateSchema, identity: replicator.identity, leaseSeconds: configuration.sync.workerLeaseSeconds)
        pools = Replicator.Pools(configuration)
    }

    /// Pass after pass, as `PassSummary` schedules them (one every `period` at the latest), until cancelled or
    /// stopped by a configuration the source contradicts; each recorded in `health` and the metrics.
    public nonisolated func passes(every period: Duration, health: Locked<ServiceHealth>) async throws {
        let logger = replicator.logger
        while !Task.isCancelled {
            let started = ContinuousClock.now
            var next = started + period
            do {
                let outcomes = try await pass()
                let ended = ContinuousClock.now
                health.withLock { $0.record(outcomes, started: started, ended: ended) }
                let summary = PassSummary(outcomes)
                next = summary.nextPass(started: started, ended: ended, period: period)
                // A quiet pass is news only at debug: at a sub-second interval there are many.
                logger.log(
                    level: summary.changed || !summary.failed.isEmpty || !summary.skipped.isEmpty ? .info : .debug, "pass done",
                    metadata: [
                        "tables": "\(outcomes.count)", "failed": "\(summary.failed)", "skipped": "\(summary.skipped)",
                        "probed_quiet": "\(summary.probedQuiet)", "seconds": "\(Replicator.format((ended - started) / .seconds(1)))",
                    ])
            } catch {
                if PassSummary.stops(on: error) { throw error }
                logger.error("pass failed, retrying in \(period): \(error)")
            }
            ReplicatorMetrics.recordPass(ContinuousClock.now - started)
            try await Task.sleep(until: next)
        }
    }

    /// One pass over the selected tables. Throws only for what stops every table (see `Replicator.sync`).
    public func pass() async throws -> [Replicator.Outcome] {
        let configuration = replicator.configuration
        let refresh = Duration.seconds(configuration.sync.catalogRefreshSeconds)
        let fingerprint = try await pools.sources.with { try await $0.query(SourceCatalog.fingerprintSQL).strings.first ?? [] }
        if catalogRead.map({ ContinuousClock.now - $0 >= refresh }) ?? true || fingerprint != catalogFingerprint {
            // Read before the catalog: a change made in between moves it again, and the next pass reads again.
            catalogFingerprint = fingerprint
            try await readCatalog()
        }
        let registry = self.registry
        let names = plans.map(\.sourceName)
        let mine = try await pools.targets.with { target in
            try await target.run { connection in
                try PassHistory(schema: registry.schema).prune(on: connection)
                return try registry.claim(names, on: connection)
            }
        }
        (selected, self.mine, claimed, started) = (names, mine, .now, [])
        let assigned = plans.filter { mine.contains($0.sourceName) }
        let quiet = try await quietTables(assigned)
        let others = assigned.filter { !quiet.contains($0.sourceName) }
        let inShape = Set(others.filter { verified[$0.sourceName] == $0 }.map(\.sourceName))
        var outcomes = try await replicator.sync(others, pools: pools, inShape: inShape) { await self.admit($0) }
        let planned = Dictionary(others.map { ($0.sourceName, $0) }) { first, _ in first }
        for outcome in outcomes {
            switch outcome.result {
            case .success: verified[outcome.table] = planned[outcome.table]
            case .failure(let error) where error is CancellationError || outcome.skipped != nil: verified[outcome.table] = nil
            case .failure:
                // A table that fails may have been dropped or altered at the source: the catalog is news.
                verified[outcome.table] = nil
                catalogRead = nil
            }
        }
        for table in quiet {
            ReplicatorMetrics.recordQuiet(table)
            var result = TableSyncResult(table: table, kind: .incremental, rows: 0, pages: 0, rejected: 0, seconds: 0, counts: .init())
            result.probed = true
            outcomes.append(Replicator.Outcome(table: table, result: .success(result)))
        }
        return outcomes.sorted { $0.table < $1.table }
    }

    /// Reads the catalog and plans the tables again, and which mirrors are in their plans' shape.
    private func readCatalog() async throws {
        plans = try await replicator.prepare(pools)
        catalogRead = .now
        // A mirror in its plan's shape needs no check before its table's pass (a probe reads only the
        // source; a table with changes gets a whole pass): the shapes of all, in one read, decide.
        // Tables known in shape stay so while their plans stay (a mirror altered by hand since fails
        // its table once, and the pass after checks it); what a probe cannot see, a mirror dropped
        // behind s2pg's back, is looked for here.
        let schemas = Set(plans.map(\.targetSchema))
        let shapes = try await pools.targets.with { target in
            try await target.run { connection in
                try schemas.reduce(into: [[String]: TargetTableShape]()) { shapes, schema in
                    for (table, shape) in try TargetTableShape.all(in: schema, on: connection) { shapes[[schema, table]] = shape }
                }
            }
        }
        verified = plans.reduce(into: [:]) { verified, plan in
            guard let shape = shapes[[plan.targetSchema, plan.targetName]] else { return }
            if self.verified[plan.sourceName] == plan || (try? SchemaDrift.changes(from: shape, to: plan))?.isEmpty == true {
                verified[plan.sourceName] = plan
            }
        }
    }

    /// Whether `table`, whose turn in the pass under way has come, is still this worker's. A third of the
    /// lease after the last claim, claims again first: a worker that joined meanwhile gets its share now,
    /// from the tables this pass has not begun, not when a long pass (a first load) ends.
    private func admit(_ table: String) async -> Bool {
        if ContinuousClock.now - claimed >= Duration.seconds(registry.leaseSeconds) / 3 {
            claimed = .now
            let (registry, selected, started) = (registry, selected, started)
            do {
                let now = try await pools.targets.with { target in try await target.run { try registry.claim(selected, started: started, on: $0) } }
                let handedBack = mine.subtracting(now).count
                if handedBack > 0 { replicator.logger.info("gave back \(handedBack) tables to the workers that joined") }
                mine = now
            } catch {
                // The target is away: the table's own pass finds out, and the next claim decides.
                replicator.logger.debug("claiming this worker's share again failed: \(error)")
            }
        }
        guard mine.contains(table) else { return false }
        started.insert(table)
        return true
    }

    /// Renews this worker every third of its lease until cancelled, so that a pass longer than the lease (a
    /// large reload) keeps its tables; on a connection of its own, apart from the passes'.
    public nonisolated func heartbeat() async throws {
        let registry = registry
        let every = Duration.seconds(registry.leaseSeconds) / 3
        var target: PostgresConnection?
        while true {
            try await Task.sleep(for: every)
            do {
                let connection: PostgresConnection
                if let target { connection = target } else { connection = try await PostgresConnection.connect(replicator.configuration.target.connection) }
                target = connection
                if try await !connection.run({ try registry.renew(on: $0) }) {
                    replicator.logger.warning("this worker's lease had expired: its tables may have gone to other workers; the next pass takes its share again")
                }
            } catch {
                // The target is away: the passes say so; the next beat tries a new connection.
                target = nil
                replicator.logger.debug("worker heartbeat failed: \(error)")
            }
        }
    }

    /// Gives this worker's tables back for the others to take at once (`s2pg run` stopping).
    public func leave() async {
        let registry = registry
        if (try? await pools.targets.with { target in try await target.run { try registry.leave(on: $0) } }) == nil {
            replicator.logger.warning("could not give this worker's tables back: the others take them when its lease expires")
        }
    }

    /// The tables found with nothing past their cursors, and recorded current as of the source's clock before
    /// they were asked. None when there is nothing to ask or the probe failed (a table dropped at the source
    /// fails all of its statement): then every table gets a whole pass, and the catalog is read again next.
    private func quietTables(_ plans: [TablePlan]) async throws -> Set<String> {
        let configuration = replicator.configuration
        let store = StateStore(schema: configuration.target.stateSchema)
        let (keys, rows) = (configuration.sync.deletesIntervalSeconds, configuration.sync.fullCompareIntervalSeconds)
        let states = try await pools.targets.with { target in try await target.run { try store.states(keysEvery: keys, rowsEvery: rows, on: $0) } }
        let probed = plans.compactMap { plan in
            states[plan.sourceName].flatMap {
                Self.probePosition(plan, state: $0.state, comparisonDue: $0.comparisonDue, verified: verified[plan.sourceName])
            }.map { (plan: plan, position: $0) }
        }
        guard !probed.isEmpty else { return [] }
        do {
            let asked = try await pools.sources.with { source in
                // Read before the probe: whatever the source had committed by then, the probe sees.
                let asOf = try await SourceClock.utc(on: source)
                let probe = try ChangeProbe(probed)
                var rows: [[String?]] = []
                for statement in probe.statements { rows += try await source.query(statement).strings }
                return (asOf: asOf, unchanged: Set(probe.tables).subtracting(try probe.changed(rows)))
            }
            let quiet = try await pools.targets.with { target in
                try await target.run { try store.recordQuiet(Array(asked.unchanged), asOf: asked.asOf.description, on: $0) }
            }
            return Set(quiet)
        } catch let error as MariaDBError {
            replicator.logger.debug("the change probe failed, every table gets a whole pass: \(error)")
            catalogRead = nil
            return []
        }
    }

    /// Where a table's probe asks from (its cursor: `sync.lookback_seconds` re-reads behind it in the passes
    /// that read the table), or `nil` when the table needs a whole pass: it is not an incremental table whose
    /// mirror is known in this very plan's shape, with a cursor for that mirror, no reload pending, no error,
    /// and no comparison due.
    static func probePosition(_ plan: TablePlan, state: TableState, comparisonDue: Bool, verified: TablePlan?) -> ScanPosition? {
        guard verified == plan, plan.mode == .incremental, plan.cursor != nil,
            state.belongs(to: plan),
            state.refillReason == nil, state.fullLoadTable == nil, state.lastError == nil, state.sourceMissingSince == nil,
            state.lastSuccessAt != nil, !comparisonDue
        else { return nil }
        return state.position
    }
}
