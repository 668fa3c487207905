import MariaDBClient

/// `s2pg status`: the state of every table, with its lag behind the source's clock.
public struct StatusReport: Sendable, Codable {
    public struct Table: Sendable, Codable {
        public var table: String
        public var state: TableState
        /// Seconds between the cursor and the source's clock now; `nil` when there is no cursor.
        public var lagSeconds: Int?
        /// The s2pg process working on the table now, if any.
        public var heldBy: TableLease.Holder?
    }

    public var tables: [Table]

    /// Each table's lag is measured against the source's clock in its cursor column's zone.
    public static func make(
        _ states: [TableState], plans: [TablePlan], holders: [String: TableLease.Holder], configuration: Configuration
    ) async -> StatusReport {
        let cursors = Dictionary(uniqueKeysWithValues: plans.compactMap { plan in plan.cursor.map { (plan.sourceName, $0) } })
        var clocks: [Bool: SourceTimestamp] = [:]
        if !cursors.isEmpty, states.contains(where: { $0.cursorUpdatedAt != nil }) {
            // Without the source's clock the lag is unknown, not an error: the state itself is in the target.
            if let source = try? await MariaDBConnection.connect(configuration.source.connection) {
                for isTimestamp in Set(cursors.values.map(\.isTimestamp)) {
                    clocks[isTimestamp] = try? await SourceClock.now(
                        on: source, isTimestamp: isTimestamp, timeZone: configuration.source.timeZone,
                        sessionZone: plans.first?.sourceZone ?? .utc)
                }
            }
        }
        return StatusReport(tables: states.map { state in
            let lag = state.cursorUpdatedAt.flatMap(SourceTimestamp.init).flatMap { cursor in
                cursors[state.sourceTable].flatMap { clocks[$0.isTimestamp] }?.seconds(since: cursor)
            }
            return Table(table: state.sourceTable, state: state, lagSeconds: lag, heldBy: holders[state.sourceTable])
        })
    }

    public var text: String {
        var lines = ["table                          mode         rows applied  cursor                                lag       last success"]
        for entry in tables {
            let state = entry.state
            let cursor = state.cursorUpdatedAt.map { $0 + (state.cursorKey.map { " " + $0.joined(separator: ",") } ?? "") } ?? "-"
            let lag = entry.lagSeconds.map { "\($0) s" } ?? "-"
            lines.append(
                [entry.table.padded(30), state.mode.padded(12), String(state.rowsApplied).padded(13), cursor.padded(37),
                 lag.padded(9), state.lastSuccessAt ?? "never"].joined(separator: " "))
            if state.rowsDeleted > 0 {
                lines.append("    \(state.rowsDeleted) rows deleted (the source no longer has them); keys last compared \(state.keysComparedAt ?? "never")")
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
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Padded with spaces on the right to `width` characters, for aligned columns.
    public func padded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }

    /// Padded with spaces on the left, for numbers.
    public func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
