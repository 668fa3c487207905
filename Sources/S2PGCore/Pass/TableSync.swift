import Foundation
import Logging
import MariaDBClient
import PostgresClient

/// Syncs one table: reconciles its mirror, then either reads what changed since its cursor in windows and
/// pages, or reloads it whole. Each table has its own pair of connections.
public struct TableSync: Sendable {
    public let plan: TablePlan
    public let configuration: Configuration
    public let logger: Logger
    /// Whether a pass may delete more of the mirror than `sync.max_delete_fraction`.
    public var allowMassDelete = false
    /// Where a reload's progress goes instead of a log line every 10 s: a line redrawn every second (the
    /// CLI's, when standard error is a terminal); `nil` clears it.
    public var progressLine: (@Sendable (String?) -> Void)?
    let queries: SourceQueries
    let reader: SourceReader
    let store: StateStore
    let writer: TargetWriter

    public init(plan: TablePlan, configuration: Configuration, logger: Logger) {
        self.plan = plan
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "table.name"] = "\(plan.sourceName)"
        self.logger = logger
        queries = SourceQueries(plan: plan)
        reader = SourceReader(queries: queries)
        store = StateStore(schema: configuration.target.stateSchema)
        writer = TargetWriter(plan: plan, state: store, binaryCopy: configuration.sync.binaryCopy)
    }

    /// Syncs the table over its own pair of connections (open, no transaction in progress). `inShape`: the
    /// mirror is known to be in this very plan's shape (`s2pg run` read it so, or an earlier pass of it made
    /// it so), so an incremental pass goes on from its cursor without checking the mirror again; if someone
    /// altered it since so that the write fails, the table fails, and the next pass checks.
    public func run(source: MariaDBConnection, target: PostgresConnection, inShape: Bool = false) async throws -> TableSyncResult {
        let started = ContinuousClock.now
        // What the mirror is current as of once this pass succeeds.
        let asOf = try await SourceClock.utc(on: source)
        // Each batch commits together with its checkpoint, so an asynchronous commit is safe: a target that
        // crashes loses only whole recent batches, checkpoint included, and the next sync reads them again.
        // It saves a WAL flush per batch.
        try await target.execute("SET synchronous_commit = off")
        let store = store
        let plan = plan
        let before = try await target.run { try store.state(of: plan.sourceName, on: $0) }
        let prospect = PassChoice.Prospect(plan: plan, state: before, inShape: inShape)
        let changes: [SchemaChange]
        let state: TableState
        if prospect.skipsReconcile, let before {
            (changes, state) = ([], before)
        } else {
            changes = try await SchemaReconciler(stateSchema: store.schema)
                .reconcile(plan, reloading: !prospect.continuing, on: target, logger: logger)
            guard let reconciled = try await target.run({ try store.state(of: plan.sourceName, on: $0) }) else {
                throw S2PGError(code: .catalog, message: "table \(plan.sourceName) has no state row after reconciling")
            }
            state = reconciled
        }
        var result: TableSyncResult
        switch PassChoice.choose(prospect, state: state, changes: changes) {
        case .incremental(let position):
            result = try await incremental(from: position, source: source, target: target)
            // The comparisons repair what no cursor sees: rows written with an old updated_at or committed
            // after the cursor passed them (keys and cursor values), and changes that left updated_at alone
            // (whole rows). Each falls due at its table's own moment of its interval, so tables spread out.
            let (keys, rows) = (configuration.sync.deletesIntervalSeconds, configuration.sync.fullCompareIntervalSeconds)
            let table = plan.sourceName
            let due = try await target.run { try store.comparisonsDue(of: table, keysEvery: keys, rowsEvery: rows, on: $0) }
            let asked = due.keys || due.rows || !changes.isEmpty
            let hasRejects = asked ? try await target.run { try store.lastReject(of: table, on: $0) } != nil : false
            if let comparison = PassChoice.comparison(keysDue: due.keys, rowsDue: due.rows, hasRejects: hasRejects, reshaped: !changes.isEmpty) {
                let repair = try await reconcile(keysOnly: comparison == .keys, source: source, target: target)
                result.rows += repair.rows
                result.deleted = repair.deleted
                result.rejected += repair.rejected
                result.counts += repair.counts
                result.foundChanges = result.foundChanges || repair.foundChanges
            }
        case .compare:
            result = try await reconcile(keysOnly: false, remembering: true, source: source, target: target)
        case .reload(let reason):
            if let reason { logger.info("reloading: \(reason)") }
            result = try await reload(state, source: source, target: target)
        }
        // Only a pass that got here succeeded: its mirror holds what the source had committed when it began,
        // less what its read bound held back.
        let current = asOf.adding(microseconds: -(result.held?.microseconds ?? 0))
        let holder = result.held?.transaction
        try await target.run { try store.recordPass(of: plan.sourceName, currentAsOf: current.description, heldBy: holder, on: $0) }
        result.seconds = (ContinuousClock.now - started) / .seconds(1)
        return result
    }

    /// `s2pg verify --repair`: whatever the table's mode, compares its whole rows with the source's and
    /// repairs the mirror where they differ (see `reconcile`).
    public func repair(source: MariaDBConnection, target: PostgresConnection) async throws -> TableSyncResult {
        let started = ContinuousClock.now
        try await SchemaReconciler(stateSchema: store.schema).reconcile(plan, on: target, logger: logger)
        // What it writes is not what a full-mode table's fingerprints say the mirror holds.
        let ledger = FingerprintLedger(schema: store.schema, table: plan.sourceName)
        try await target.run { try ledger.clear(on: $0) }
        var result = try await reconcile(keysOnly: false, source: source, target: target)
        result.seconds = (ContinuousClock.now - started) / .seconds(1)
        return result
    }

    // MARK: Incremental

    func incremental(from stored: ScanPosition, source: MariaDBConnection, target: PostgresConnection) async throws -> TableSyncResult {
        let sync = configuration.sync
        var position = stored
        if sync.lookbackSeconds > 0, let at = stored.timestamp {
            position = .from(at.adding(seconds: -sync.lookbackSeconds))
        }
        let writer = writer
        var result = TableSyncResult(table: plan.sourceName, kind: .incremental, rows: 0, pages: 0, rejected: 0, seconds: 0, counts: .init())
        try await warnAboutInvisibleRows(source)
        // Most passes of most tables find nothing: one probe then, and no clock or stage. (Rows written ahead
        // of the clock, which the warning below is about, are always past the cursor: the probe sees them.)
        let probe = try queries.changeProbe(after: position, tag: 0)
        guard try await !source.query(probe).strings.isEmpty else { return result }
        let (now, bound) = try await readBound(source)
        let latest = try await source.query(queries.latestChange).strings[0][0].flatMap(SourceTimestamp.init)
        if let latest, latest.seconds(since: now) > 60 {
            logger.warning(
                "\(plan.cursor!.column) values run \(latest.seconds(since: now)) s ahead of the source's clock (\(now)): rows are delayed until the clock catches up. Is the column written in another time zone? Set source.time_zone.")
        }
        result.held = .init(microseconds: bound.held(behind: now), transaction: bound.heldBy)
        try await target.run { try writer.prepareStage(on: $0) }
        var scan = IncrementalScan(from: position, bound: bound.bound, windowSeconds: sync.windowHours * 3600, batchRows: sync.batchRows)
        scanning: while true {
            try Task.checkCancellation()
            switch scan.next() {
            case .done:
                break scanning
            case .seek(let from, let before):
                scan.found(try await source.query(queries.nextChange(from: from, before: before)).strings[0][0].flatMap(SourceTimestamp.init))
            case .page(let after, let before, let limit):
                logger.debug("Querying \(plan.sourceName) from \(after.timestamp!) to before \(before)")
                let (page, rejected) = try await applyPage(try queries.page(after: after, before: before, limit: limit), source: source, target: target)
                guard page.rows > 0 else {
                    scan.read(rows: 0, last: nil)
                    continue
                }
                let last = ScanPosition.afterRow(updatedAt: page.lastUpdatedAt!, key: page.lastKey!)
                scan.read(rows: page.rows, last: last)
                result.rejected += rejected
                result.rows += page.rows
                result.pages += 1
                result.counts += page.counts
                // A lookback reads rows up to the cursor again: only a row past it is a change.
                if last != stored { result.foundChanges = true }
                // The key is row data: at debug only.
                logger.info("Fetched and upserted \(page.rows) rows; checkpoint saved", metadata: ["cursor.updated_at": "\(page.lastUpdatedAt!)"])
                logger.debug("checkpoint", metadata: ["cursor.key": "\(page.lastKey!.joined(separator: ", "))"])
            }
        }
        // The probe found rows past the cursor and none was below the bound, which no transaction held: if
        // the newest is not ahead of the clock, they are in its open tick, or newer than the reading.
        let tickEnds = ReadBound.tickEnds(after: now, precision: plan.cursor!.precision)
        if result.rows == 0, bound.heldBy == nil, let latest, latest < now.adding(microseconds: tickEnds) {
            result.readableIn = .microseconds(tickEnds)
        }
        return result
    }

    /// Where this pass's reads stop (see `ReadBound`), and the clock it was taken from, in the cursor column's
    /// zone. Says what holds the table back, once per process for a source that does not tell.
    func readBound(_ source: MariaDBConnection) async throws -> (clock: SourceTimestamp, bound: ReadBound) {
        let sync = configuration.sync
        let cursor = plan.cursor!
        let now = try await clock(source, isTimestamp: cursor.isTimestamp)
        let answered = ContinuousClock.now
        let reading = try await OpenTransactions.reading(on: source, dialect: plan.dialect, source: configuration.source.connection)
        let visibility = reading.visibility
        let lag = max(.zero, answered - reading.asked)
        if let warning = OpenTransactions.hiddenWarning(visibility, user: configuration.source.connection.user, settleSeconds: sync.settleDelaySeconds),
            Self.warnedHidden.withLock({ warned in defer { warned = true }; return !warned }) {
            logger.warning("\(warning)")
        }
        let bound = ReadBound.decide(
            clock: now, precision: cursor.precision, visibility: visibility, lagMicroseconds: Int(lag / .microseconds(1)),
            settleSeconds: sync.settleDelaySeconds, maxHoldSeconds: sync.maxHoldSeconds)
        for transaction in bound.overdue {
            logger.warning(
                "a source transaction (\(transaction.holder), started \(transaction.started)) has been open \(transaction.ageMicroseconds / 1_000_000) s, longer than sync.max_hold (\(sync.maxHoldSeconds) s): no longer waited for; the rows it commits are repaired by the next comparison of keys and cursor values")
        }
        if let holder = bound.heldBy {
            logger.debug("reads held back \(bound.held(behind: now)) µs by an open source transaction (\(holder.holder), started \(holder.started))")
        }
        return (now, bound)
    }

    /// Whether this process has warned that the source hides its open transactions.
    private static let warnedHidden = Locked(false)

    /// Counts rows no window can see: they arrive with the comparisons.
    private func warnAboutInvisibleRows(_ source: MariaDBConnection) async throws {
        guard plan.columns.first(where: { $0.sourceName == plan.cursor!.column })!.isNullable,
            let invisible = try await source.query(queries.invisibleRowCount).strings[0][0], invisible != "0"
        else { return }
        logger.warning(
            "\(invisible) rows have a NULL \(plan.cursor!.column): no incremental read sees them. Reloads copy them, new ones arrive with the comparison of keys (sync.deletes_interval) and changes to them with the comparison of whole rows (sync.full_compare_interval)")
    }

    private func clock(_ source: MariaDBConnection, isTimestamp: Bool) async throws -> SourceTimestamp {
        try await SourceClock.now(
            on: source, isTimestamp: isTimestamp, timeZone: configuration.source.timeZone, sessionZone: plan.sourceZone)
    }

    /// Rows per part of an incremental page: the first part reaches PostgreSQL after a quarter of a default
    /// page is read, and a part's two round trips stay small beside its rows (measured: 1,000 and 2,500 both
    /// cut a 10,000-row page by ~50 ms; 10,000, one part, overlaps nothing).
    static let partRows = 2_500

    /// Reads one page and applies it with its checkpoint in one transaction, part by part: PostgreSQL upserts
    /// part n while the source reads part n+1, and a part is let go once it is upserted. If PostgreSQL
    /// refuses a value, the rest of the page is read to its end, the transaction rolled back, and the page
    /// read again and written row by row (refused rows to the reject log): the page is never held whole.
    /// Returns the page's rows and checkpoint, without their data (no rows when the window has none left),
    /// and how many rows PostgreSQL refused.
    func applyPage(
        _ sql: String, source: MariaDBConnection, target: PostgresConnection
    ) async throws -> (page: EncodedChunk, rejected: Int) {
        let writer = writer
        let (page, rejected, _) = try await applyPage(sql, source: source, target: target) { page, connection in
            try writer.finishPage(page, on: connection)
        }
        return (page, rejected)
    }

    /// `applyPage`, ending the page's transaction with `finish` (which commits) instead of a checkpoint;
    /// returns what `finish` returned, `nil` when the page had no rows (and no transaction was begun).
    func applyPage<Finished: Sendable>(
        _ sql: String, source: MariaDBConnection, target: PostgresConnection,
        finish: @escaping @Sendable (EncodedChunk, isolated PostgresConnection) throws -> Finished
    ) async throws -> (page: EncodedChunk, rejected: Int, finished: Finished?) {
        let writer = writer
        var page = EncodedChunk()
        var refused = false
        do {
            try await reader.read(sql, from: source, chunkRows: min(Self.partRows, configuration.sync.batchRows), numbered: true) { part in
                let first = page.rows
                page.count(part)
                guard !refused else { return }
                do {
                    try await target.run { connection in
                        if first == 0, !connection.isCopying { try writer.beginPage(on: connection) }
                        try writer.upsertPart(part, from: first, on: connection)
                    }
                } catch let error as PostgresError where error.isDataError {
                    refused = true
                }
            }
            guard page.rows > 0 else { return (page, 0, nil) }
            var rejected = 0
            if refused {
                try await requireUnchangedPlan(source)
                // The page as the source has it now: what is applied is what the checkpoint describes.
                page = EncodedChunk()
                try await target.run { try writer.restartPage(on: $0) }
                try await reader.read(sql, from: source, chunkRows: 1, numbered: true) { row in
                    let ordinal = page.rows
                    page.count(row)
                    rejected += try await target.run { try writer.upsertRow(row, ordinal: ordinal, on: $0) }
                }
                // Every row of it has since moved past the window: nothing to apply, nothing to checkpoint.
                guard page.rows > 0 else {
                    await target.run { writer.abandonPage(on: $0) }
                    return (page, 0, nil)
                }
            }
            let finished = try await target.run { [page] connection in try finish(page, connection) }
            return (page, rejected, finished)
        } catch {
            await target.run { writer.abandonPage(on: $0) }
            throw error
        }
    }

    /// Throws `SourceTableChanged` if the source table is no longer what it was planned as: a refusal that a
    /// schema change explains (a value longer than the mirror's column after the source widened it) is not
    /// the row's fault.
    func requireUnchangedPlan(_ source: MariaDBConnection) async throws {
        let catalog = try await SourceCatalog.load(from: source, configuredZone: configuration.source.timeZone)
        let planner = TablePlanner(sync: configuration.sync, targetSchema: configuration.target.schema)
        if let current = try planner.plan(catalog).first(where: { $0.sourceName == plan.sourceName }), current != plan {
            throw SourceTableChanged(plan: current)
        }
    }
}
