import PostgresClient

/// What s2pg does to the target for one table, on that table's PostgreSQL connection: upsert pages through a
/// staging table, fill and swap in reloads. Every batch commits together with its checkpoint.
struct TargetWriter: Sendable {
    let plan: TablePlan
    let state: StateStore
    /// Columns copied from the source, quoted, in plan order.
    let columns: [String]
    /// What a reload copies in (pages stage in text).
    let format: CopyFormat
    static let stage = "pg_temp.s2pg_stage"

    init(plan: TablePlan, state: StateStore, binaryCopy: Bool) {
        self.plan = plan
        self.state = state
        columns = plan.columns.map { PostgresIdentifier.quote($0.targetName) }
        format = CopyFormat(plan, binaryAllowed: binaryCopy)
    }

    private var columnList: String { columns.joined(separator: ", ") }
    private var keyList: String { plan.targetKey.map(PostgresIdentifier.quote).joined(separator: ", ") }

    /// A session-local staging table with the mirror's column types (pgsync's `WITH NO DATA` pattern),
    /// plus the row order so the last of duplicate keys wins. Values are written in UTC.
    func prepareStage(on connection: isolated PostgresConnection) throws {
        try connection.execute("SET TIME ZONE 'UTC'")
        try connection.execute("DROP TABLE IF EXISTS \(Self.stage)")
        try connection.execute(
            "CREATE TEMP TABLE s2pg_stage AS SELECT \(columnList) FROM \(plan.qualifiedTargetName) WITH NO DATA")
        try connection.execute("ALTER TABLE \(Self.stage) ADD COLUMN _s2pg_ord integer")
    }

    private var upsertSQL: String {
        """
        INSERT INTO \(plan.qualifiedTargetName) AS t (\(columnList))
        SELECT DISTINCT ON (\(keyList)) \(columnList) FROM \(Self.stage)
        WHERE _s2pg_ord BETWEEN $1 AND $2 ORDER BY \(keyList), _s2pg_ord DESC
        ON CONFLICT (\(keyList)) \(conflictClause)
        """
    }

    /// What an upsert does with a key the mirror has (`t`) and the row it brings (`EXCLUDED`).
    private var conflictClause: String {
        let nonKey = plan.columns.filter { !$0.isKey }.map { PostgresIdentifier.quote($0.targetName) }
        // A key the source has again is no longer marked deleted.
        let deletedAt = PostgresIdentifier.quote(TablePlan.deletedAtColumn)
        let undelete = plan.softDeletes ? ["\(deletedAt) = NULL"] : []
        let wasDeleted = plan.softDeletes ? " OR t.\(deletedAt) IS NOT NULL" : ""
        let conflict: String
        if nonKey.isEmpty {
            conflict = plan.softDeletes ? "DO UPDATE SET \(undelete[0]) WHERE t.\(deletedAt) IS NOT NULL" : "DO NOTHING"
        } else {
            // Unchanged rows are not rewritten: a re-read (lookback) leaves the mirror and _s2pg_synced_at alone.
            let sets = nonKey.map { "\($0) = EXCLUDED.\($0)" } + ["\(PostgresIdentifier.quote(TablePlan.syncedAtColumn)) = now()"] + undelete
            let current = nonKey.map { "t.\($0)" }.joined(separator: ", ")
            let incoming = nonKey.map { "EXCLUDED.\($0)" }.joined(separator: ", ")
            conflict = "DO UPDATE SET \(sets.joined(separator: ", ")) WHERE ROW(\(current)) IS DISTINCT FROM ROW(\(incoming))\(wasDeleted)"
        }
        return conflict
    }

    private var stageCopySQL: String { "COPY \(Self.stage) (\(columnList), _s2pg_ord) FROM STDIN" }

    // An incremental page is one transaction: `beginPage`, `upsertPart` for each part as it is read,
    // `finishPage` with the checkpoint. Parts let PostgreSQL upsert while the source reads the next one; the
    // transaction spans those awaits, so it is opened and closed here rather than by `transaction {}`.

    func beginPage(on connection: isolated PostgresConnection) throws {
        try connection.execute("BEGIN")
        try connection.execute("TRUNCATE \(Self.stage)")
    }

    /// Stages and upserts one part of the page as it comes; `first` is the ordinal of its first row in the
    /// page. A piece of a large row is only staged; the chunk that ends the row upserts it.
    func upsertPart(_ part: EncodedChunk, from first: Int, on connection: isolated PostgresConnection) throws {
        if !connection.isCopying { try connection.beginCopy(stageCopySQL) }
        try connection.writeCopy(part.data)
        guard !part.continues else { return }
        try connection.endCopy()
        try connection.execute(upsertSQL, [String(first), String(first + part.rows - 1)])
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
            try connection.beginCopy(stageCopySQL)
        }
        try connection.writeCopy(row.data)
        guard !row.continues else { return 0 }
        let applied = Result { () throws(PostgresError) in
            try connection.endCopy()
            try connection.execute(upsertSQL, [String(ordinal), String(ordinal)])
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
        let types = plan.targetKey.map { name in plan.targetColumns.first { $0.name == name }!.type }
        let arrays = plan.targetKey.indices.map { index in PostgresArray.literal(keys.map { $0[index] ?? "" }) as String? }
        let columns = plan.targetKey.map(PostgresIdentifier.quote).joined(separator: ", ")
        let unnest = types.enumerated().map { "$\($0 + 1)::\($1)[]" }.joined(separator: ", ")
        return try connection.execute(removal(where: "(\(columns)) IN (SELECT * FROM unnest(\(unnest)))"), arrays).affectedRows
    }

    /// The statement that removes the mirror's rows (alias `m`) matching `condition` because the source no
    /// longer has them: deletes them, or with soft deletes marks those not marked yet.
    private func removal(where condition: String) -> String {
        let deletedAt = PostgresIdentifier.quote(TablePlan.deletedAtColumn)
        return plan.softDeletes
            ? "UPDATE \(plan.qualifiedTargetName) AS m SET \(deletedAt) = now() WHERE \(deletedAt) IS NULL AND \(condition)"
            : "DELETE FROM \(plan.qualifiedTargetName) AS m WHERE \(condition)"
    }

    // MARK: Reloads

    /// The table a reload fills before it replaces the mirror.
    var loadTable: String { TargetName.for("_s2pg_load_" + plan.targetName) }
    private var qualifiedLoadTable: String { PostgresIdentifier.qualified(plan.targetSchema, loadTable) }

    /// The parts of a reload copied in several streams.
    var parts: ReloadParts { ReloadParts(schema: state.schema, table: plan.sourceName) }

    /// Starts a reload from scratch: a fresh load table without its primary key (added after the data, which
    /// is faster), recorded in the state with the source clock it started at and its `parts` (none for one
    /// stream). Columns the mirror keeps after they were dropped at the source are in it too, filled from the
    /// mirror when the reload finishes.
    func beginReload(startedAt: String?, parts new: [ReloadParts.Part], on connection: isolated PostgresConnection) throws {
        try connection.transaction { connection in
            try connection.execute("DROP TABLE IF EXISTS \(qualifiedLoadTable)")
            let kept = try keptColumns(of: plan.targetName, on: connection).map { "\(PostgresIdentifier.quote($0.name)) \($0.type)" }
            let definitions = plan.targetColumns.map { column in
                column.name == TablePlan.rowIDColumn
                    ? "\(PostgresIdentifier.quote(column.name)) text"
                    : plan.columnDefinition(column.name)
            } + kept
            try connection.execute(
                "CREATE TABLE \(qualifiedLoadTable) (\(definitions.joined(separator: ", ")))\(plan.storageParameters)")
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
        let rows = try connection.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)", [qualifiedLoadTable]).rows
        return max(0, rows.first?[0].flatMap { Int($0) } ?? 0)
    }

    /// Whether a reload interrupted earlier can go on where it stopped.
    func canResume(_ tableState: TableState, on connection: isolated PostgresConnection) throws -> Bool {
        guard tableState.fullLoadTable == loadTable, plan.keySource != .synthetic else { return false }
        return try connection.execute("SELECT to_regclass($1) IS NOT NULL", [qualifiedLoadTable]).rows[0][0] == "t"
    }

    /// Copies one chunk of a reload (of its `part`, when it is in parts) as it comes and records how far it
    /// got, in one transaction: the first piece of a large row opens it, the chunk that ends the row commits
    /// it. Refused rows go to the reject log. Returns the rejected count, or `nil` while the chunk continues.
    func copyReloadChunk(_ chunk: EncodedChunk, part: Int?, on connection: isolated PostgresConnection) throws -> Int? {
        let copy = "COPY \(qualifiedLoadTable) (\(columnList)) FROM STDIN\(format.option)"
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
            // An id from the row's values plus its occurrence among identical rows: unchanged rows keep theirs.
            let row = "md5(ROW(\(columns.map { "l.\($0)" }.joined(separator: ", ")))::text)"
            try connection.execute(
                """
                UPDATE \(qualifiedLoadTable) AS l SET \(PostgresIdentifier.quote(TablePlan.rowIDColumn)) = n.id
                FROM (SELECT l.ctid AS row, \(row) || '-' || row_number() OVER (PARTITION BY \(row)) AS id
                      FROM \(qualifiedLoadTable) AS l) AS n
                WHERE l.ctid = n.row
                """)
            try connection.execute(
                "ALTER TABLE \(qualifiedLoadTable) ALTER COLUMN \(PostgresIdentifier.quote(TablePlan.rowIDColumn)) SET NOT NULL")
        }
        try carryKeptColumns(on: connection)
        let loadKey = PostgresIdentifier.quote(TargetName.for(loadTable + "_pkey"))
        let keyed = Result { () throws(PostgresError) in
            try connection.execute("ALTER TABLE \(qualifiedLoadTable) ADD CONSTRAINT \(loadKey) PRIMARY KEY (\(keyList))")
        }
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
            if inPlace {
                try mergeLoadTable(on: connection)
            } else {
                try connection.execute("DROP TABLE IF EXISTS \(plan.qualifiedTargetName)")
                try connection.execute("ALTER TABLE \(qualifiedLoadTable) RENAME TO \(PostgresIdentifier.quote(plan.targetName))")
                try connection.execute(
                    "ALTER TABLE \(plan.qualifiedTargetName) RENAME CONSTRAINT \(loadKey) TO \(PostgresIdentifier.quote(TargetName.for(plan.targetName + "_pkey")))")
            }
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
        return try connection.execute(
            """
            SELECT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = $1::regclass AND classid = 'pg_rewrite'::regclass)
                OR EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal)
                OR EXISTS (SELECT 1 FROM pg_index WHERE indrelid = $1::regclass AND NOT indisprimary)
                OR EXISTS (SELECT 1 FROM pg_constraint WHERE (conrelid = $1::regclass AND contype <> 'p') OR confrelid = $1::regclass)
                OR EXISTS (SELECT 1 FROM pg_class WHERE oid = $1::regclass AND relacl IS NOT NULL)
                OR EXISTS (SELECT 1 FROM pg_description WHERE objoid = $1::regclass AND classoid = 'pg_class'::regclass)
                OR EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = $1::regclass)
                OR EXISTS (SELECT 1 FROM pg_publication_rel WHERE prrelid = $1::regclass)
            """, [plan.qualifiedTargetName]
        ).rows.first?[0] == "t"
    }

    /// Makes the mirror hold the load table's rows, inside the caller's transaction: rows it no longer has
    /// deleted (marked, with soft deletes), the rest upserted (unchanged rows left alone), and the load table
    /// dropped. Columns the mirror keeps after they were dropped at the source keep their values.
    private func mergeLoadTable(on connection: isolated PostgresConnection) throws {
        let keys = plan.targetKey.map(PostgresIdentifier.quote)
        try connection.execute(
            removal(where: "NOT EXISTS (SELECT 1 FROM \(qualifiedLoadTable) AS l WHERE \(keys.map { "l.\($0) = m.\($0)" }.joined(separator: " AND ")))"))
        // A keyless table's rows are matched by their row id, which an unchanged row keeps.
        let copied = plan.keySource == .synthetic ? columnList + ", " + PostgresIdentifier.quote(TablePlan.rowIDColumn) : columnList
        try connection.execute(
            """
            INSERT INTO \(plan.qualifiedTargetName) AS t (\(copied)) SELECT \(copied) FROM \(qualifiedLoadTable)
            ON CONFLICT (\(keyList)) \(conflictClause)
            """)
        try connection.execute("DROP TABLE \(qualifiedLoadTable)")
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
        let kept = try keptColumns(of: loadTable, on: connection).map { PostgresIdentifier.quote($0.name) }
        guard !kept.isEmpty else { return }
        let keys = plan.targetKey.map(PostgresIdentifier.quote)
        try connection.execute(
            """
            UPDATE \(qualifiedLoadTable) AS l SET \(kept.map { "\($0) = m.\($0)" }.joined(separator: ", "))
            FROM \(plan.qualifiedTargetName) AS m WHERE \(keys.map { "l.\($0) = m.\($0)" }.joined(separator: " AND "))
            """)
    }

    /// Drops the load table and has the next sync start the reload from scratch, saying why.
    private func restartReload(because reason: String, on connection: isolated PostgresConnection) throws {
        try connection.transaction { connection in
            try connection.execute("DROP TABLE IF EXISTS \(qualifiedLoadTable)")
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
