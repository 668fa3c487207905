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
        let pending = before?.refillReason != nil || before?.fullLoadTable != nil
        // An incremental table with a cursor goes on from it; a full-mode table once loaded is compared with
        // its source in place; anything else is reloaded.
        let continuing = plan.mode == .incremental && before?.position != nil && !pending
        let loaded = plan.mode == .full && before?.lastSuccessAt != nil && !pending
        let changes: [SchemaChange]
        let state: TableState
        if inShape, continuing, let before, before.belongs(to: plan) {
            (changes, state) = ([], before)
        } else {
            changes = try await SchemaReconciler(stateSchema: store.schema)
                .reconcile(plan, reloading: !continuing, on: target, logger: logger)
            guard let reconciled = try await target.run({ try store.state(of: plan.sourceName, on: $0) }) else {
                throw S2PGError(code: .catalog, message: "table \(plan.sourceName) has no state row after reconciling")
            }
            state = reconciled
        }
        var result: TableSyncResult
        if continuing, state.refillReason == nil, let position = state.position {
            result = try await incremental(from: position, source: source, target: target)
            // The comparisons repair what no cursor sees: rows written with an old updated_at or committed
            // after the cursor passed them (keys and cursor values), and changes that left updated_at alone
            // (whole rows). Each falls due at its table's own moment of its interval, so tables spread out.
            let (keys, rows) = (configuration.sync.deletesIntervalSeconds, configuration.sync.fullCompareIntervalSeconds)
            let table = plan.sourceName
            let due = try await target.run { try store.comparisonsDue(of: table, keysEvery: keys, rowsEvery: rows, on: $0) }
            // Rows PostgreSQL refused are retried once the mirror changed shape: the change may be their fix.
            let retrying = changes.isEmpty ? false : try await target.run { try store.lastReject(of: table, on: $0) } != nil
            if due.keys || due.rows || retrying {
                let repair = try await reconcile(keysOnly: !due.rows, source: source, target: target)
                result.rows += repair.rows
                result.deleted = repair.deleted
                result.rejected += repair.rejected
                result.counts += repair.counts
                result.foundChanges = result.foundChanges || repair.foundChanges
            }
        } else if loaded, state.refillReason == nil, !changes.contains(.replaceTable) {
            result = try await reconcile(keysOnly: false, remembering: true, source: source, target: target)
        } else {
            if let reason = state.refillReason { logger.info("reloading: \(reason)") }
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

    private func incremental(from stored: ScanPosition, source: MariaDBConnection, target: PostgresConnection) async throws -> TableSyncResult {
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
    private func readBound(_ source: MariaDBConnection) async throws -> (clock: SourceTimestamp, bound: ReadBound) {
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
    private func applyPage(
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
    private func applyPage<Finished: Sendable>(
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
    private func requireUnchangedPlan(_ source: MariaDBConnection) async throws {
        let catalog = try await SourceCatalog.load(from: source, configuredZone: configuration.source.timeZone)
        let planner = TablePlanner(sync: configuration.sync, targetSchema: configuration.target.schema)
        if let current = try planner.plan(catalog).first(where: { $0.sourceName == plan.sourceName }), current != plan {
            throw SourceTableChanged(plan: current)
        }
    }

    // MARK: Reconcile

    /// Keys re-read from the source, or deleted from the mirror, per transaction of a repair.
    static let repairBatch = 1_000

    /// Makes the mirror equal its source where they differ (see `TableComparer`): rows the mirror lacks or
    /// holds otherwise are read again from the source as they are now and upserted; rows the source no longer
    /// has are deleted, unless `sync.deletes` is off. Each batch is one transaction with its counts, so an
    /// interrupted repair keeps what it did and the next compares again. `keysOnly` compares keys with their
    /// cursor values (an incremental table's cheap comparison); otherwise whole rows. A keyless table is only
    /// compared: reloaded when it differs.
    ///
    /// `remembering` (a full-mode table with a key) keeps each bucket's fingerprint as the source had it when
    /// the mirror matched it (`FingerprintLedger`): a later pass then scans the source alone, against those,
    /// and reads the mirror only in the buckets that changed.
    private func reconcile(
        keysOnly requested: Bool, remembering: Bool = false, source: MariaDBConnection, target: PostgresConnection
    ) async throws -> TableSyncResult {
        let store = store
        let table = plan.sourceName
        // A table with refused rows compares whole rows, which find every row refused (an update refused
        // keeps the mirror's old row under its key): those still refused are logged again, the log cleared
        // up to here at the end.
        let lastReject = try await target.run { try store.lastReject(of: table, on: $0) }
        let keysOnly = requested && lastReject == nil
        let ledger = FingerprintLedger(schema: store.schema, table: plan.sourceName)
        let fingerprinted = remembering && plan.keySource != .synthetic
        let kept = fingerprinted ? try await target.run { try ledger.basis(on: $0) } : nil
        let comparer = try await TableComparer.prepare(
            plan, keysOnly: keysOnly, fingerprinted: fingerprinted, kept: kept?.bucketing, since: configuration.sync.start(of: plan),
            source: source, target: target)
        let basis = FingerprintLedger.Basis(bucketing: comparer.queries.bucketing, digest: comparer.queries.fingerprintBasis)
        let summary: TableComparer.Summary
        if fingerprinted, kept == basis {
            async let stored = target.run { try ledger.sums(on: $0) }
            summary = TableComparer.Summary(source: try await comparer.fingerprints(source: source), target: try await stored)
        } else {
            summary = try await comparer.summarize(source: source, target: target)
            if fingerprinted {
                // A bucket found equal keeps the source's fingerprint from the same scan; one that differs is
                // compared row by row below (and marked until then, should the pass be cut short).
                var sums = summary.fingerprints.filter { summary.source[$0.key] == summary.target[$0.key] }
                for bucket in summary.differing {
                    sums[bucket] = FingerprintLedger.repaired(rows: max(summary.source[bucket]?.rows ?? 0, summary.target[bucket]?.rows ?? 0))
                }
                try await target.run { [sums] in try ledger.replace(with: sums, basis: basis, on: $0) }
            }
        }
        let writer = writer
        var result = TableSyncResult(
            table: plan.sourceName, kind: keysOnly ? .incremental : .reconcile, rows: 0, pages: 0, rejected: 0, seconds: 0, counts: .init())
        if plan.keySource == .synthetic {
            guard summary.differing.isEmpty else {
                logger.info("the source's rows differ from the mirror's: reloading")
                return try await reload(try await target.run { try store.state(of: plan.sourceName, on: $0)! }, source: source, target: target)
            }
            result.kind = .unchanged
            return result
        }
        let deleting = configuration.sync.deletes != .off
        let fraction = configuration.sync.maxDeleteFraction
        if deleting, !allowMassDelete, summary.targetRows > 0, Double(summary.surplus) > fraction * Double(summary.targetRows) {
            throw S2PGError(
                code: .massDelete,
                message: "table \(plan.sourceName): this pass would delete at least \(summary.surplus) of the mirror's \(summary.targetRows) rows, "
                    + "more than sync.max_delete_fraction (\(fraction)) allows; a wrong source database or a cut-short read looks exactly "
                    + "like that, so nothing was deleted. If the source really lost those rows, run s2pg sync --allow-mass-delete --table \(plan.sourceName)")
        }
        let groups = comparer.groups(summary)
        if !groups.isEmpty { try await target.run { try writer.prepareStage(on: $0) } }
        for group in groups {
            try Task.checkCancellation()
            let (differences, found) = try await comparer.differences(in: group, source: source, target: target)
            if fingerprinted {
                // Before any repair: a bucket equal row by row keeps what this read found at the source; one
                // with a difference is repaired below and compared again on the next pass (the rows re-read
                // for it may be newer than this read).
                let changed = differences.buckets
                var sums: [Int: BucketSum] = [:]
                for bucket in group {
                    let sum = found[bucket] ?? BucketSum(rows: 0, sum1: "0", sum2: "0")
                    sums[bucket] = changed.contains(bucket) ? FingerprintLedger.repaired(rows: sum.rows) : sum
                }
                try await target.run { [sums] in try ledger.update(sums, on: $0) }
            }
            // Rows missing or different (by key and cursor value, comparing keys) are read again as the source
            // has them now: rows past the cursor too, which the next window reads again, unchanged.
            let reread = (differences.missing + differences.different).map { $0.key.map { $0 ?? "" } }
            let gone = deleting ? differences.extra.map(\.key) : []
            let batches = (max(reread.count, gone.count) + Self.repairBatch - 1) / Self.repairBatch
            for index in 0..<batches {
                let range = { (count: Int) in min(count, index * Self.repairBatch)..<min(count, (index + 1) * Self.repairBatch) }
                let keys = Array(reread[range(reread.count)])
                let extra = Array(gone[range(gone.count)])
                var applied: (page: EncodedChunk, rejected: Int, finished: Int?) = (EncodedChunk(), 0, nil)
                if !keys.isEmpty {
                    applied = try await applyPage(try queries.rows(withKeys: keys), source: source, target: target) { page, connection in
                        let deleted = try writer.finishRepair(page, deleting: extra, on: connection)
                        try connection.execute("COMMIT")
                        return deleted
                    }
                }
                // No row came back from the source (or none was asked for): the deletes alone.
                var deleted = applied.finished ?? 0
                if applied.finished == nil, !extra.isEmpty {
                    deleted = try await target.run { connection in
                        try connection.transaction { try writer.finishRepair(EncodedChunk(), deleting: extra, on: $0) }
                    }
                }
                result.rows += applied.page.rows
                result.pages += 1
                result.rejected += applied.rejected
                result.counts += applied.page.counts
                result.deleted += deleted
            }
        }
        try await target.run { connection in
            try store.recordCompared(of: table, rows: !keysOnly, on: connection)
            if let lastReject { try store.clearRejects(of: table, through: lastReject, on: connection) }
        }
        if result.rows > 0 || result.deleted > 0 {
            logger.info("compared with the source: \(result.rows) rows upserted, \(result.deleted) deleted")
            result.foundChanges = true
        }
        return result
    }

    // MARK: Reload

    /// Rows each part of a reload in several streams gets at least: a smaller table goes in one stream.
    static let partRowsMinimum = 50_000

    private func reload(_ state: TableState, source: MariaDBConnection, target: PostgresConnection) async throws -> TableSyncResult {
        let writer = writer
        let resuming = try await target.run { try writer.canResume(state, on: $0) }
        var result = TableSyncResult(table: plan.sourceName, kind: .reload, rows: 0, pages: 0, rejected: 0, seconds: 0, counts: .init())
        let estimateSQL = queries.rowEstimate
        let estimated = try await source.run { try $0.query(estimateSQL).strings.first?[0].flatMap { Int($0) } ?? 0 }
        let startedAt: String?
        // None: one stream, its progress in the table's state.
        var parts: [ReloadParts.Part]
        if resuming {
            startedAt = state.fullLoadStartedAt
            parts = try await target.run { try writer.parts.all(on: $0) }
            logger.info("resuming the reload where it stopped")
            logger.debug("resuming after key \(state.fullLoadKey?.joined(separator: ", ") ?? "(start)")")
        } else {
            // The read bound before the first row is read: the incremental cursor once the reload is in place.
            // Rows at or past it (the clock's open tick, an open transaction's) are read again from there.
            if plan.cursor != nil {
                let (now, bound) = try await readBound(source)
                startedAt = bound.bound.description
                result.held = .init(microseconds: bound.held(behind: now), transaction: bound.heldBy)
            } else {
                startedAt = nil
            }
            parts = try await split(estimated: estimated, source: source)
            try await target.run { [parts] in try writer.beginReload(startedAt: startedAt, parts: parts, on: $0) }
        }
        logger.info("Reloading \(plan.sourceName)\(parts.isEmpty ? "" : " in \(parts.count) parts, \(parts.filter { !$0.finished }.count) to copy")")

        result.foundChanges = true
        let progress = Locked(Progress(
            reload: ReloadProgress(
                table: plan.sourceName, estimated: estimated,
                done: resuming ? try await target.run { try writer.loadedRows(on: $0) } : 0, every: .seconds(progressLine == nil ? 10 : 1))))
        defer { if progress.withLock({ $0.drawn }) { progressLine?(nil) } }
        let copied: [TableSyncResult]
        if parts.isEmpty {
            copied = [try await copy(after: resuming ? state.fullLoadKey : nil, through: nil, part: nil, source: source, target: target, progress)]
        } else {
            let configuration = configuration
            copied = try await withThrowingTaskGroup(of: TableSyncResult.self) { group in
                // The first part on this table's own connections, each other on a pair of its own.
                for (stream, part) in parts.filter({ !$0.finished }).enumerated() {
                    group.addTask {
                        guard stream > 0 else { return try await copy(part, source: source, target: target, progress) }
                        let source = try await MariaDBConnection.connect(configuration.source.connection)
                        let target = try await PostgresConnection.connect(configuration.target.connection)
                        try await target.execute("SET synchronous_commit = off")
                        return try await copy(part, source: source, target: target, progress)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        for part in copied {
            result.rows += part.rows
            result.pages += part.pages
            result.rejected += part.rejected
            result.counts += part.counts
        }
        if progress.withLock({ $0.drawn }) { progressLine?(nil) }
        progress.withLock { $0.drawn = false }
        let copiedRows = resuming ? nil : result.rows - result.rejected
        let total = try await target.run { try writer.finishReload(cursor: startedAt, copied: copiedRows, on: $0) }
        logger.info("Reloaded: \(total) rows in the mirror")
        return result
    }

    /// A reload's progress shared by its streams, and whether its live line is drawn.
    struct Progress: Sendable {
        var reload: ReloadProgress
        var drawn = false
    }

    /// Parts of the key range for `sync.parallel_streams` streams, bounded by the keys of rows spread
    /// evenly over the catalog's estimate; none (one stream) for a keyless table or a small one.
    private func split(estimated: Int, source: MariaDBConnection) async throws -> [ReloadParts.Part] {
        let streams = min(configuration.sync.parallelStreams, estimated / Self.partRowsMinimum)
        guard streams > 1, plan.keySource != .synthetic else { return [] }
        let queries = queries
        let encodings = reader.encodings
        var boundaries: [[String]] = []
        for index in 1..<streams {
            let sql = queries.row(atOffset: estimated * index / streams)
            // A table smaller than its estimate has fewer parts.
            guard let key = try await source.run({ connection -> [String]? in
                var marker = RowMarker(queries: queries, encodings: encodings)
                var found = false
                try connection.stream(sql) { row in
                    marker.capture(row)
                    found = true
                }
                return found ? marker.key : nil
            }) else { break }
            boundaries.append(key)
        }
        return boundaries.isEmpty ? [] : ReloadParts.split(at: boundaries)
    }

    /// Copies one part of a reload in parts, then records it finished.
    private func copy(
        _ part: ReloadParts.Part, source: MariaDBConnection, target: PostgresConnection, _ progress: Locked<Progress>
    ) async throws -> TableSyncResult {
        let result = try await copy(after: part.resumeAfter, through: part.through, part: part.index, source: source, target: target, progress)
        let parts = writer.parts
        try await target.run { try parts.finish(part.index, on: $0) }
        return result
    }

    /// Copies the rows with keys above `after` up to `through` into the load table, chunk by chunk, each
    /// chunk committed with how far it got (in the part's row when it is one of several).
    private func copy(
        after: [String]?, through: [String]?, part: Int?, source: MariaDBConnection, target: PostgresConnection, _ progress: Locked<Progress>
    ) async throws -> TableSyncResult {
        let writer = writer
        let sql = try queries.reload(afterKey: after, through: through, since: configuration.sync.start(of: plan))
        logger.debug("reload query", metadata: ["sql": "\(sql)"])
        var result = TableSyncResult(table: plan.sourceName, kind: .reload, rows: 0, pages: 0, rejected: 0, seconds: 0, counts: .init())
        let progressLine = progressLine
        try await reader.read(sql, from: source, chunkRows: configuration.sync.batchRows, numbered: false, format: writer.format) { chunk in
            try Task.checkCancellation()
            guard let rejected = try await target.run({ try writer.copyReloadChunk(chunk, part: part, on: $0) }) else { return }
            result.rejected += rejected
            result.pages += 1
            result.rows += chunk.rows
            result.counts += chunk.counts
            logger.debug("Checkpoint: \(result.rows) rows copied")
            let line = progress.withLock { shared -> String? in
                guard let line = shared.reload.advance(by: chunk.rows) else { return nil }
                if progressLine != nil { shared.drawn = true }
                return line
            }
            guard let line else { return }
            if let progressLine { progressLine("\(plan.sourceName): \(line)") } else { logger.info("\(line)") }
        }
        return result
    }
}
