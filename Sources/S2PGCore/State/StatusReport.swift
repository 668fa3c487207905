import MariaDBClient

/// `s2pg status`: the state of every table, with its lag behind the source's clock.
public struct StatusReport: Sendable, Codable {
    public struct Table: Sendable, Codable {
        public var table: String
        public var state: TableState
        /// Seconds between what the mirror is current as of (the source's clock when the table's last
        /// successful pass began) and the source's clock now; `nil` before a pass succeeded, or without the
        /// source. A quiet table is not behind: its last pass found nothing new.
        public var lagSeconds: Int?
        /// The s2pg process working on the table now, if any.
        public var heldBy: TableLease.Holder?
    }

    public var tables: [Table]
    /// The `s2pg run` workers sharing the state schema, with the tables assigned to each.
    public var workers: [WorkerRegistry.Worker]
    /// Why the lag is unknown, when the source could not be asked for its clock.
    public var sourceError: String?
    /// `sync.initial_sync_start`, when set: incremental mirrors hold only the rows from then on.
    public var rowsSince: String?
    /// Where refused rows are logged: the state schema's `rejects`.
    public var rejectLog: String

    /// Each table's lag is measured against the source's UTC clock.
    public static func make(
        _ states: [TableState], holders: [String: TableLease.Holder], workers: [WorkerRegistry.Worker], configuration: Configuration
    ) async -> StatusReport {
        var now: SourceTimestamp?
        var sourceError: String?
        if states.contains(where: { $0.currentAsOf != nil }) {
            // Without the source's clock the lag is unknown, not an error: the state itself is in the target.
            do {
                let source = try await MariaDBConnection.connect(configuration.source.connection)
                now = try await SourceClock.utc(on: source)
            } catch {
                sourceError = "\(error)"
            }
        }
        let tables = states.map { state in
            let lag = state.currentAsOf.flatMap(SourceTimestamp.init).flatMap { asOf in now?.seconds(since: asOf) }
            return Table(table: state.sourceTable, state: state, lagSeconds: lag, heldBy: holders[state.sourceTable])
        }
        return StatusReport(
            tables: tables, workers: workers, sourceError: sourceError, rowsSince: configuration.sync.initialSyncStart?.description,
            rejectLog: StateStore(schema: configuration.target.stateSchema).rejects)
    }

    public var text: String {
        var lines = [
            "table                          mode         rows applied  cursor                                lag       current as of (source, UTC)  last success"
        ]
        for entry in tables {
            let state = entry.state
            let cursor = state.cursorUpdatedAt.map { $0 + (state.cursorKey.map { " " + $0.joined(separator: ",") } ?? "") } ?? "-"
            let lag = entry.lagSeconds.map { "\($0) s" } ?? "-"
            lines.append(
                [entry.table.padded(30), state.mode.padded(12), String(state.rowsApplied).padded(13), cursor.padded(37),
                 lag.padded(9), (state.currentAsOf ?? "never").padded(28), state.lastSuccessAt ?? "never"].joined(separator: " "))
            if state.rowsDeleted > 0 {
                lines.append("    \(state.rowsDeleted) rows deleted (the source no longer has them); keys last compared \(state.keysComparedAt ?? "never")")
            }
            if state.refusedRows > 0 {
                lines.append(
                    "    \(state.refusedRows) row\(state.refusedRows == 1 ? "" : "s") refused by PostgreSQL, not in the mirror as the source has them (see \(rejectLog)): retried at the next comparison, schema change or reload")
            }
            if let holder = state.heldBy {
                lines.append("    held back by an open source transaction (\(holder), started \(state.heldSince ?? "?")): rows it may still commit are waited for")
            }
            if let since = state.sourceMissingSince { lines.append("    source table missing since \(since): mirror kept, not synced") }
            if let holder = entry.heldBy { lines.append("    being worked on by \(holder)") }
            if let error = state.lastError { lines.append("    last error (\(state.lastErrorAt ?? "?")): \(error)") }
            if let reason = state.refillReason { lines.append("    reload pending: \(reason)") }
            if state.fullLoadTable != nil { lines.append("    reload in progress (resumes at the next sync)") }
            let counts = state.counts
            if !counts.isZero {
                lines.append("    values changed by policy: \(counts.invalidDatesNulled) invalid dates → NULL, \(counts.nulBytesRemoved) lost NUL bytes, \(counts.invalidUTF8Replaced) had invalid UTF-8 replaced")
            }
        }
        if !workers.isEmpty {
            lines.append("")
            lines.append("workers (s2pg run processes sharing this state schema)")
            for worker in workers {
                let working = tables.filter { $0.heldBy.map { $0.host == worker.host && $0.pid == worker.pid } ?? false }.map(\.table)
                lines.append(
                    "\(worker.worker): pid \(worker.pid) on \(worker.host), since \(worker.startedAt), renewed \(worker.renewedAt)"
                        + (worker.expired ? ", EXPIRED at \(worker.expiresAt) (its tables go to the others)" : ""))
                lines.append("    \(worker.tables.count) tables assigned\(worker.tables.isEmpty ? "" : ": " + worker.tables.joined(separator: ", "))")
                if !working.isEmpty { lines.append("    working on: \(working.joined(separator: ", "))") }
            }
        }
        if let sourceError { lines.append("lag unknown: \(sourceError)") }
        if let rowsSince {
            lines.append("incremental mirrors hold the rows with updated_at from \(rowsSince) on (sync.initial_sync_start), not older ones nor NULL")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Padded with spaces on the right to `width` characters, for aligned columns.
    public func padded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }

    /// Padded with spaces on the left, for numbers.
    public func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
