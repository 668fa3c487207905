import Logging
import MariaDBClient
import PostgresClient

/// A table's comparisons with its source, and the repairs they make.
extension TableSync {
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
    func reconcile(
        keysOnly: Bool, remembering: Bool = false, source: MariaDBConnection, target: PostgresConnection
    ) async throws -> TableSyncResult {
        let store = store
        let table = plan.sourceName
        // Rows refused before this comparison are read again by it (`PassChoice.comparison` makes it one of
        // whole rows while there are any): those still refused are logged again, the log cleared up to here
        // at the end.
        let lastReject = try await target.run { try store.lastReject(of: table, on: $0) }
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
        try RepairPlan.checkDeletes(
            of: plan.sourceName, surplus: summary.surplus, mirrorRows: summary.targetRows, fraction: configuration.sync.maxDeleteFraction,
            deleting: deleting, allowed: allowMassDelete)
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
            // Rows past the cursor are read again too: the next window reads them again, unchanged.
            for batch in RepairPlan(differences, deleting: deleting, size: Self.repairBatch).batches {
                let repaired = try await repair(batch, source: source, target: target)
                result.rows += repaired.rows
                result.pages += 1
                result.rejected += repaired.rejected
                result.counts += repaired.counts
                result.deleted += repaired.deleted
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

    /// Applies one batch of a repair in one transaction: its rows read again from the source and upserted,
    /// its gone keys deleted (or marked), with the table's counts. Returns its upserted rows and counts (of
    /// those PostgreSQL refused) and deleted rows.
    private func repair(
        _ batch: RepairPlan.Batch, source: MariaDBConnection, target: PostgresConnection
    ) async throws -> (rows: Int, rejected: Int, counts: ValuePolicyCounts, deleted: Int) {
        let writer = writer
        let extra = batch.gone
        var applied: (page: EncodedChunk, rejected: Int, finished: Int?) = (EncodedChunk(), 0, nil)
        if !batch.reread.isEmpty {
            applied = try await applyPage(try queries.rows(withKeys: batch.reread), source: source, target: target) { page, connection in
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
        return (applied.page.rows, applied.rejected, applied.page.counts, deleted)
    }
}
