import PostgresClient

/// What s2pg does to the target for one table, on that table's PostgreSQL connection: upsert pages through a
/// staging table, fill and swap in reloads, with `MirrorSQL`'s statements. Every batch commits together with
/// its checkpoint.
struct TargetWriter: Sendable {
    let plan: TablePlan
    let state: StateStore
    let sql: MirrorSQL
    /// What a reload copies in (pages stage in text).
    let format: CopyFormat

    init(plan: TablePlan, state: StateStore, binaryCopy: Bool) {
        self.plan = plan
        self.state = state
        sql = MirrorSQL(plan: plan)
        format = CopyFormat(plan, binaryAllowed: binaryCopy)
    }

    /// Prepares the session's staging table (`MirrorSQL.createStage`). Values are written in UTC.
    func prepareStage(on connection: isolated PostgresConnection) throws {
        try connection.execute("SET TIME ZONE 'UTC'")
        for statement in sql.createStage { try connection.execute(statement) }
    }

    // An incremental page is one transaction: `beginPage`, `upsertPart` for each part as it is read,
    // `finishPage` with the checkpoint. Parts let PostgreSQL upsert while the source reads the next one; the
    // transaction spans those awaits, so it is opened and closed here rather than by `transaction {}`.

    func beginPage(on connection: isolated PostgresConnection) throws {
        try connection.execute("BEGIN")
        try connection.execute(sql.emptyStage)
    }

    /// Stages and upserts one part of the page as it comes; `first` is the ordinal of its first row in the
    /// page. A piece of a large row is only staged; the chunk that ends the row upserts it.
    func upsertPart(_ part: EncodedChunk, from first: Int, on connection: isolated PostgresConnection) throws {
        if !connection.isCopying { try connection.beginCopy(sql.copyToStage) }
        try connection.writeCopy(part.data)
        guard !part.continues else { return }
        try connection.endCopy()
        var binds = Binds()
        let upsert = sql.upsert(&binds, first: first, last: first + part.rows - 1)
        try connection.execute(upsert, binds.values)
    }

    /// After PostgreSQL refused a part: starts the page over, to be read again and written row by row
    /// (`upsertRow`); `finishPage` commits.
    func restartPage(on connection: isolated PostgresConnection) throws {
        try connection.rollback()
        try beginPage(on: connection)
    }

    /// One row of a page read again after a refusal (its pieces, if it came in pieces), under a savepoint of
    /// its own: a refused row goes to the reject log instead. Returns 1 if it was refused.
    func upsertRow(_ row: EncodedChunk, ordinal: Int, on connection: isolated PostgresConnection) throws -> Int {
        if !connection.isCopying {
            try connection.execute("SAVEPOINT s2pg_row")
            try connection.beginCopy(sql.copyToStage)
        }
        try connection.writeCopy(row.data)
        guard !row.continues else { return 0 }
        let applied = Result { () throws(PostgresError) in
            try connection.endCopy()
            var binds = Binds()
            let upsert = sql.upsert(&binds, first: ordinal, last: ordinal)
            try connection.execute(upsert, binds.values)
            try connection.execute("RELEASE SAVEPOINT s2pg_row")
        }
        switch applied {
        case .success:
            return 0
        case .failure(let error) where error.isDataError:
            try connection.execute("ROLLBACK TO SAVEPOINT s2pg_row")
            try reject(row, in: .text, reason: error.message, on: connection)
            return 1
        case .failure(let error):
            throw error
        }
    }

    /// Records the page's checkpoint and commits it with the rows.
    func finishPage(_ page: EncodedChunk, on connection: isolated PostgresConnection) throws {
        try state.recordPage(of: plan.sourceName, page, on: connection)
        try connection.execute("COMMIT")
    }

    /// Gives up a page after a failure: nothing of it is kept.
    func abandonPage(on connection: isolated PostgresConnection) {
        _ = try? connection.rollback()
    }

    /// A refused reload chunk again, inside the caller's transaction: each row with `copy` (in the reload's
    /// format) under its own savepoint, refused rows to the reject log. Returns how many were refused.
    private func copyRowByRow(_ chunk: EncodedChunk, _ copy: String, on connection: isolated PostgresConnection) throws -> Int {
        var rejected = 0
        for line in chunk.lines {
            try connection.execute("SAVEPOINT s2pg_row")
            do {
                try connection.copy(copy) { try $0.write(format.header + Array(line) + format.trailer) }
                try connection.execute("RELEASE SAVEPOINT s2pg_row")
            } catch let error as PostgresError where error.isDataError {
                try connection.execute("ROLLBACK TO SAVEPOINT s2pg_row")
                try reject(line, in: format, reason: error.message, on: connection)
                rejected += 1
            }
        }
        return rejected
    }

    /// A refused row: its line of COPY text, or its tuple of binary COPY (a reload's), kept as COPY text.
    private func reject(_ line: ArraySlice<UInt8>, in format: CopyFormat, reason: String, on connection: isolated PostgresConnection) throws {
        let fields: [String?]
        let row: String
        switch format {
        case .binary(let types):
            // Escaped as in a line of COPY text, so both formats' rejects read alike.
            fields = BinaryTuple(fields: types).values(of: line).map { value in
                value.map { text in
                    var encoder = CopyEncoder(encodings: [.text])
                    Array(text.utf8).withUnsafeBytes { encoder.append($0, as: .text) }
                    return String(decoding: encoder.output, as: UTF8.self)
                }
            }
            row = fields.map { $0 ?? "\\N" }.joined(separator: "\t")
        case .text:
            row = String(decoding: line.dropLast(), as: UTF8.self)
            fields = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        let key = plan.key.compactMap { name -> String? in
            guard let index = plan.columns.firstIndex(where: { $0.sourceName == name }), index < fields.count else { return nil }
            return "\(name)=\(fields[index] ?? "\\N")"
        }
        try state.recordReject(of: plan.sourceName, key: key.joined(separator: ", "), reason: reason, row: row, on: connection)
    }

    /// A refused one-row chunk: its line if it is whole in memory, else (a large row that came in pieces)
    /// its key, from the row's stored values.
    private func reject(_ row: EncodedChunk, in format: CopyFormat, reason: String, on connection: isolated PostgresConnection) throws {
        guard row.isSplit else { return try reject(row.lines[0], in: format, reason: reason, on: connection) }
        let key = zip(plan.key, row.lastKey ?? []).map { "\($0)=\($1)" }.joined(separator: ", ")
        try state.recordReject(of: plan.sourceName, key: key, reason: reason, row: "(not kept: a row too large to hold in memory)", on: connection)
    }

    // MARK: Repairs

    /// Ends a repair's batch inside its transaction (the caller commits): deletes (or, soft, marks) the mirror
    /// rows with the keys `gone` (the mirror's own text of its key columns), and counts them and the rows
    /// the batch upserted (`page`, read again from the source) with the table's totals. Returns how many it
    /// deleted.
    func finishRepair(_ page: EncodedChunk, deleting gone: [[String?]], on connection: isolated PostgresConnection) throws -> Int {
        let deleted = try deleteRows(gone, on: connection)
        try state.recordRepair(of: plan.sourceName, page, deleted: deleted, on: connection)
        return deleted
    }

    private func deleteRows(_ keys: [[String?]], on connection: isolated PostgresConnection) throws -> Int {
        guard !keys.isEmpty else { return 0 }
        var binds = Binds()
        let removal = sql.removal(ofKeys: keys, &binds)
        return try connection.execute(removal, binds.values).affectedRows
    }

    // MARK: Reloads

    /// The table a reload fills before it replaces the mirror.
    var loadTable: String { sql.loadTable }

    /// The parts of a reload copied in several streams.
    var parts: ReloadParts { ReloadParts(schema: state.schema, table: plan.sourceName) }

    /// Starts a reload from scratch: a fresh load table without its primary key (added after the data, which
    /// is faster), recorded in the state with the source clock it started at and its `parts` (none for one
    /// stream). Columns the mirror keeps after they were dropped at the source are in it too, filled from the
    /// mirror when the reload finishes.
    func beginReload(startedAt: String?, parts new: [ReloadParts.Part], on connection: isolated PostgresConnection) throws {
        try connection.transaction { connection in
            for statement in sql.createLoadTable(kept: try keptColumns(of: plan.targetName, on: connection)) {
                try connection.execute(statement)
            }
            try state.recordReloadBegun(of: plan.sourceName, into: loadTable, startedAt: startedAt, on: connection)
            try parts.record(new, on: connection)
            // The reloaded mirror is compared anew, not by the fingerprints of the one it replaces.
            try FingerprintLedger(schema: state.schema, table: plan.sourceName).clear(on: connection)
            // Every row is read again: those still refused are logged again.
            try state.clearRejects(of: plan.sourceName, on: connection)
        }
    }

    /// About how many rows an interrupted reload's table holds (the planner's estimate: counting would read it).
    func loadedRows(on connection: isolated PostgresConnection) throws -> Int {
        let rows = try connection.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)", [sql.qualifiedLoadTable]).rows
        return max(0, rows.first?[0].flatMap { Int($0) } ?? 0)
    }

    /// Whether a reload interrupted earlier can go on where it stopped.
    func canResume(_ tableState: TableState, on connection: isolated PostgresConnection) throws -> Bool {
        guard tableState.fullLoadTable == loadTable, plan.keySource != .synthetic else { return false }
        return try connection.execute("SELECT to_regclass($1) IS NOT NULL", [sql.qualifiedLoadTable]).rows[0][0] == "t"
    }

    /// Copies one chunk of a reload (of its `part`, when it is in parts) as it comes and records how far it
    /// got, in one transaction: the first piece of a large row opens it, the chunk that ends the row commits
    /// it. Refused rows go to the reject log. Returns the rejected count, or `nil` while the chunk continues.
    func copyReloadChunk(_ chunk: EncodedChunk, part: Int?, on connection: isolated PostgresConnection) throws -> Int? {
        let copy = sql.copyToLoadTable(format)
        if !connection.isCopying {
            try connection.execute("BEGIN")
            try connection.beginCopy(copy)
            try connection.writeCopy(format.header)
        }
        try connection.writeCopy(chunk.data)
        guard !chunk.continues else { return nil }
        do {
            try connection.writeCopy(format.trailer)
            try connection.endCopy()
            try recordReloadProgress(chunk, part: part, on: connection)
            try connection.execute("COMMIT")
            return 0
        } catch let error as PostgresError where error.isDataError {
            try connection.execute("ROLLBACK")
            return try connection.transaction { connection in
                let rejected: Int
                if chunk.isSplit {
                    try reject(chunk, in: format, reason: error.message, on: connection)
                    rejected = 1
                } else {
                    rejected = try copyRowByRow(chunk, copy, on: connection)
                }
                try recordReloadProgress(chunk, part: part, on: connection)
                return rejected
            }
        }
    }

    private func recordReloadProgress(_ chunk: EncodedChunk, part: Int?, on connection: isolated PostgresConnection) throws {
        if let part { try parts.recordProgress(of: part, through: chunk.lastKey, on: connection) }
        try state.recordReloadChunk(of: plan.sourceName, chunk, inParts: part != nil, on: connection)
    }

    /// Finishes a reload: row ids for a keyless table, the primary key, then one short transaction that drops
    /// the old mirror and renames the new one in its place, with the new cursor. Readers see the old table or
    /// the new one, never a half. `copied`: the rows in the load table when this process copied them all
    /// (counted otherwise). Returns the rows in the new mirror.
    func finishReload(cursor: String?, copied: Int?, on connection: isolated PostgresConnection) throws -> Int {
        if plan.keySource == .synthetic {
            for statement in sql.rowIDs { try connection.execute(statement) }
        }
        try carryKeptColumns(on: connection)
        let keyed = Result { () throws(PostgresError) in try connection.execute(sql.addLoadKey) }
        if case .failure(let error) = keyed {
            guard error.isDataError else { throw error }
            // Rows that cannot be keyed (duplicates) would meet a resumed reload again: the next sync starts
            // it over instead. The server's DETAIL names the duplicated key's values and is left out.
            try restartReload(
                because: "the previous reload could not be finished, its primary key could not be built (\(error.message)); starting it over",
                on: connection)
            throw S2PGError(
                code: .state,
                message: "table \(plan.sourceName): the reloaded rows could not be given their primary key (\(error.message)); the next sync starts the reload over")
        }
        let inPlace = try keepsIdentity(on: connection)
        return try connection.transaction { connection in
            // In place: rows it no longer has removed, the rest upserted, unchanged rows left alone.
            for statement in inPlace ? sql.merge : sql.swap { try connection.execute(statement) }
            // Counting reads the whole table (~0.15 s a million rows): only when what it holds is not known.
            let count = try copied.flatMap { inPlace ? nil : $0 }
                ?? Int(connection.execute("SELECT count(*) FROM \(plan.qualifiedTargetName)").rows[0][0]!)!
            try parts.clear(on: connection)
            try state.recordReloadFinished(of: plan.sourceName, cursor: cursor, rows: count, on: connection)
            return count
        }
    }

    /// Whether a reload must go into the mirror itself rather than replace it: the mirror has something
    /// users added that a new table would not have (a view or rule on it, a trigger, an index besides its
    /// key, a grant, a constraint, a foreign key to it, a comment, a policy, a publication) or rows marked
    /// deleted (soft deletes), and it can hold the plan's rows (a mirror whose shape the source outgrew is
    /// replaced, as it must be).
    private func keepsIdentity(on connection: isolated PostgresConnection) throws -> Bool {
        guard let shape = try TargetTableShape.read(schema: plan.targetSchema, table: plan.targetName, on: connection),
            (try? SchemaDrift.changes(from: shape, to: plan)) != nil
        else { return false }
        if plan.softDeletes { return true }
        return try connection.execute(MirrorSQL.hasIdentity, [plan.qualifiedTargetName]        ).rows.first?[0] == "t"
    }

    /// Columns of `table` (the mirror, or the load table) that the source no longer has.
    private func keptColumns(of table: String, on connection: isolated PostgresConnection) throws -> [(name: String, type: PostgresType)] {
        let planned = Set(plan.targetColumns.map(\.name))
        return try TargetTableShape.read(schema: plan.targetSchema, table: table, on: connection)?.columns
            .filter { !planned.contains($0.name) } ?? []
    }

    /// Copies the kept columns' values from the mirror into the load table, row by key: a column dropped at
    /// the source keeps its values through a reload. (A keyless table's row ids change with its columns,
    /// so there they start out empty.)
    private func carryKeptColumns(on connection: isolated PostgresConnection) throws {
        let kept = try keptColumns(of: loadTable, on: connection).map(\.name)
        guard !kept.isEmpty else { return }
        try connection.execute(sql.carry(kept: kept))
    }

    /// Drops the load table and has the next sync start the reload from scratch, saying why.
    private func restartReload(because reason: String, on connection: isolated PostgresConnection) throws {
        try connection.transaction { connection in
            try connection.execute(sql.dropLoadTable)
            try parts.clear(on: connection)
            try state.recordReloadRestart(of: plan.sourceName, because: reason, on: connection)
        }
    }
}

extension PostgresError {
    /// A refusal of the data itself (SQLSTATE classes 22 and 23: bad value, constraint), as opposed to a
    /// broken connection or a bug: worth retrying row by row.
    var isDataError: Bool { sqlState.hasPrefix("22") || sqlState.hasPrefix("23") }
}
