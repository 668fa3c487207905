import PostgresClient

/// Every statement on `table_state` (and the reject log) in the state schema. Writes that describe synced
/// rows are made inside the transaction of those rows (`TargetWriter` calls them on its connection).
public struct StateStore: Sendable {
    public var schema: String

    public init(schema: String) {
        self.schema = schema
    }

    var table: String { PostgresIdentifier.qualified(schema, "table_state") }

    public func state(of sourceTable: String, on connection: isolated PostgresConnection) throws -> TableState? {
        try connection.execute("SELECT \(TableState.columns) FROM \(table) WHERE source_table = $1", [sourceTable])
            .rows.first.map(TableState.init)
    }

    /// Whether the state schema was ever created.
    public func exists(on connection: PostgresConnection) async throws -> Bool {
        try await connection.execute("SELECT to_regclass($1) IS NOT NULL", [table]).rows[0][0] == "t"
    }

    /// Records that the table's keys and cursor values (`rows`: whole rows, keys included) were compared with
    /// the source's and the mirror repaired to match.
    func recordCompared(of sourceTable: String, rows: Bool, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            "UPDATE \(table) SET keys_compared_at = now()\(rows ? ", rows_compared_at = now()" : "") WHERE source_table = $1", [sourceTable])
    }

    /// Records a pass that succeeded: its mirror holds what the source had committed by `currentAsOf` (the
    /// source's UTC clock when the pass began, less what its reads were held back by), and the open source
    /// transaction that held it back, if one did.
    func recordPass(
        of sourceTable: String, currentAsOf: String, heldBy holder: OpenTransaction?, on connection: isolated PostgresConnection
    ) throws {
        try connection.execute(
            """
            UPDATE \(table) SET last_run_at = now(), last_success_at = now(), last_error = NULL, last_error_at = NULL,
                current_as_of = ($2 || '+00')::timestamptz, held_by = $3, held_since = $4
            WHERE source_table = $1
            """, [sourceTable, currentAsOf, holder?.holder, holder?.started])
    }

    /// Whether a comparison that was last made at `column` is due again, every `seconds` (`$n`; 0 is every
    /// pass; never compared is due). Never sooner than the interval after the last; the first after a reload
    /// (which counts as one) waits a further part of the interval of the table's own, from its name's hash, so
    /// that the tables of one first load compare at different moments ever after.
    private static func due(_ column: String, seconds parameter: String) -> String {
        let phase = "(hashtext(source_table)::bigint & 2147483647) % greatest(\(parameter), 1)"
        let wait = "\(parameter) + CASE WHEN \(column) = reloaded_at THEN \(phase) ELSE 0 END"
        return "(\(column) IS NULL OR \(parameter) = 0 OR \(column) <= now() - make_interval(secs => \(wait)))"
    }

    /// Which of the table's comparisons are due (see `due`): of keys and cursor values every `keysEvery`
    /// seconds, of whole rows every `rowsEvery`.
    func comparisonsDue(
        of sourceTable: String, keysEvery: Int, rowsEvery: Int, on connection: isolated PostgresConnection
    ) throws -> (keys: Bool, rows: Bool) {
        let row = try connection.execute(
            "SELECT \(Self.due("keys_compared_at", seconds: "$2::int")), \(Self.due("rows_compared_at", seconds: "$3::int")) FROM \(table) WHERE source_table = $1",
            [sourceTable, String(keysEvery), String(rowsEvery)]
        ).rows.first
        return (row?[0] != "f", row?[1] != "f")
    }

    /// Every table's state in one query, each with whether a comparison is due (see `comparisonsDue`).
    func states(keysEvery: Int, rowsEvery: Int, on connection: isolated PostgresConnection) throws -> [String: (state: TableState, comparisonDue: Bool)] {
        let rows = try connection.execute(
            "SELECT \(TableState.columns), \(Self.due("keys_compared_at", seconds: "$1::int")) OR \(Self.due("rows_compared_at", seconds: "$2::int")) FROM \(table)",
            [String(keysEvery), String(rowsEvery)]
        ).rows
        return Dictionary(rows.map { ($0[0]!, (TableState(row: $0), $0.last! != "f")) }) { first, _ in first }
    }

    /// Records a pass of `tables` that found nothing past their cursors on a source whose UTC clock read
    /// `asOf` before it looked: each mirror is current as of then (never earlier than it already was: another
    /// process may have recorded a later pass). A table whose state changed since it was read (a reload was
    /// asked for, another process failed on it) is left as it is. Returns the tables recorded.
    func recordQuiet(_ tables: [String], asOf: String, on connection: isolated PostgresConnection) throws -> [String] {
        try connection.execute(
            """
            UPDATE \(table) SET current_as_of = GREATEST(current_as_of, ($2 || '+00')::timestamptz), last_run_at = now(),
                last_success_at = now(), held_by = NULL, held_since = NULL
            WHERE source_table = ANY ($1::text[]) AND refill_reason IS NULL AND full_load_table IS NULL AND last_error IS NULL
            RETURNING source_table
            """, [PostgresArray.literal(tables), asOf]).rows.map { $0[0]! }
    }

    /// Every table's state, with its rows in the reject log; none before the state schema was first created.
    public func all(on connection: PostgresConnection) async throws -> [TableState] {
        guard try await exists(on: connection) else { return [] }
        let sql = """
            SELECT \(TableState.columns), (SELECT count(*) FROM \(rejects) AS r WHERE r.source_table = s.source_table)
            FROM \(table) AS s ORDER BY source_table
            """
        return try await connection.execute(sql).rows.map { row in
            var state = TableState(row: row)
            state.refusedRows = Int(row.last!!) ?? 0
            return state
        }
    }

    // MARK: The reject log

    var rejects: String { PostgresIdentifier.qualified(schema, "rejects") }

    /// Logs a row PostgreSQL refused, in place of an earlier refusal of the same key: a row refused at every
    /// comparison is listed once, with its latest reason.
    func recordReject(of sourceTable: String, key: String, reason: String, row: String, on connection: isolated PostgresConnection) throws {
        try connection.execute("DELETE FROM \(rejects) WHERE source_table = $1 AND row_key = $2", [sourceTable, key])
        try connection.execute(
            "INSERT INTO \(rejects) (source_table, row_key, reason, row_data) VALUES ($1, $2, $3, $4)", [sourceTable, key, reason, row])
    }

    /// The last entry of the table's reject log, `nil` when it has none: what a comparison starting now will
    /// retry (see `clearRejects`).
    func lastReject(of sourceTable: String, on connection: isolated PostgresConnection) throws -> Int64? {
        try connection.execute("SELECT max(id)::text FROM \(rejects) WHERE source_table = $1", [sourceTable]).rows.first?[0].flatMap { Int64($0) }
    }

    /// Clears the table's reject log up to entry `through` (all of it when `nil`): a comparison of whole rows
    /// or a reload read those rows again, and logged anew whatever PostgreSQL still refused.
    func clearRejects(of sourceTable: String, through last: Int64? = nil, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            "DELETE FROM \(rejects) WHERE source_table = $1 AND ($2::bigint IS NULL OR id <= $2::bigint)", [sourceTable, last.map { String($0) }])
    }

    public func recordError(_ message: String, for sourceTable: String, on connection: PostgresConnection) async throws {
        try await connection.execute(
            "UPDATE \(table) SET last_error = $2, last_error_at = now(), last_run_at = now() WHERE source_table = $1",
            [sourceTable, message])
    }

    /// Records which tables with state the source no longer has (of all its tables, `present`), and that
    /// those it has again are back (to be reloaded: the table that came back may be another).
    /// Returns the missing ones with the time they were first found missing.
    public func recordMissing(present: [String], on connection: PostgresConnection) async throws -> [(table: String, since: String)] {
        let present = PostgresArray.literal(present)
        try await connection.execute(
            """
            UPDATE \(table) SET source_missing_since = CASE WHEN source_table = ANY ($1::text[]) THEN NULL ELSE now() END,
                refill_reason = CASE WHEN source_table = ANY ($1::text[]) THEN 'the source table exists again after it was dropped or renamed' ELSE refill_reason END
            WHERE (source_table = ANY ($1::text[])) = (source_missing_since IS NOT NULL)
            """, [present])
        return try await connection.execute(
            "SELECT source_table, source_missing_since::text FROM \(table) WHERE source_missing_since IS NOT NULL ORDER BY 1"
        ).rows.map { ($0[0]!, $0[1]!) }
    }

    /// Forgets the cursors of `tables` (and any reload in progress), so their next sync reloads them (a
    /// full-mode table too, rather than comparing it in place). Returns the tables that had state.
    @discardableResult
    public func reset(_ tables: [String], on connection: PostgresConnection) async throws -> [String] {
        try await connection.execute(
            """
            UPDATE \(table) SET cursor_updated_at = NULL, cursor_key = NULL, full_load_table = NULL,
                full_load_key = NULL, full_load_started_at = NULL, refill_reason = 'a reload was asked for'
            WHERE source_table = ANY ($1::text[]) RETURNING source_table
            """, [PostgresArray.literal(tables)]
        ).rows.map { $0[0]! }
    }

    // MARK: Writes inside the transactions of the rows they describe

    /// Records planned names and mode (and why the table must be read again whole, if it must: `refill`, or
    /// `recreated` for a table with state whose mirror had to be created again).
    func recordPlan(_ plan: TablePlan, refill: String?, recreated: String?, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            """
            INSERT INTO \(table) (source_table, target_table, mode, refill_reason)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (source_table) DO UPDATE SET target_table = EXCLUDED.target_table, mode = EXCLUDED.mode,
                refill_reason = COALESCE(EXCLUDED.refill_reason, table_state.refill_reason, $5)
            """, [plan.sourceName, plan.targetName, plan.mode.rawValue, refill, recreated])
        try connection.execute(
            """
            INSERT INTO \(PostgresIdentifier.qualified(schema, "column_map")) (source_table, source_column, target_column)
            SELECT $1, source_column, target_column FROM unnest($2::text[], $3::text[]) AS m (source_column, target_column)
            ON CONFLICT (source_table, source_column) DO UPDATE SET target_column = EXCLUDED.target_column
            """,
            [plan.sourceName, PostgresArray.literal(plan.columns.map(\.sourceName)),
             PostgresArray.literal(plan.columns.map(\.targetName))])
    }

    /// An incremental page's checkpoint: the cursor of its last row, its rows and policy counts.
    func recordPage(of sourceTable: String, _ page: EncodedChunk, on connection: isolated PostgresConnection) throws {
        var binds = Binds()
        let statement = """
            UPDATE \(table) SET cursor_updated_at = \(binds.append(page.lastUpdatedAt)),
                cursor_key = \(binds.append(TableState.json(page.lastKey)))::jsonb, rows_applied = rows_applied + \(binds.append(String(page.rows))),
                \(Self.countAssignments(page.counts, &binds)), last_run_at = now()
            WHERE source_table = \(binds.append(sourceTable))
            """
        try connection.execute(statement, binds.values)
    }

    /// A repair's batch: the rows it upserted (`page`) and deleted.
    func recordRepair(of sourceTable: String, _ page: EncodedChunk, deleted: Int, on connection: isolated PostgresConnection) throws {
        var binds = Binds()
        let statement = """
            UPDATE \(table) SET rows_applied = rows_applied + \(binds.append(String(page.rows))),
                rows_deleted = rows_deleted + \(binds.append(String(deleted))), \(Self.countAssignments(page.counts, &binds)), last_run_at = now()
            WHERE source_table = \(binds.append(sourceTable))
            """
        try connection.execute(statement, binds.values)
    }

    /// A reload begun into `loadTable`, its cursor to be `startedAt` once it is in place.
    func recordReloadBegun(of sourceTable: String, into loadTable: String, startedAt: String?, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            "UPDATE \(table) SET full_load_table = $2, full_load_key = NULL, full_load_started_at = $3 WHERE source_table = $1",
            [sourceTable, loadTable, startedAt])
    }

    /// A reload's chunk: its policy counts, and, for a reload in one stream, the key it got through (the
    /// parts of a reload in several keep theirs in `reload_parts`).
    func recordReloadChunk(of sourceTable: String, _ chunk: EncodedChunk, inParts: Bool, on connection: isolated PostgresConnection) throws {
        var binds = Binds()
        let key = inParts ? "" : "full_load_key = \(binds.append(TableState.json(chunk.lastKey)))::jsonb, "
        let statement = "UPDATE \(table) SET \(key)\(Self.countAssignments(chunk.counts, &binds)) WHERE source_table = \(binds.append(sourceTable))"
        try connection.execute(statement, binds.values)
    }

    /// A reload swapped in: `rows` in the mirror, the cursor from `cursor` on; it counts as both comparisons.
    func recordReloadFinished(of sourceTable: String, cursor: String?, rows: Int, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            """
            UPDATE \(table) SET full_load_table = NULL, full_load_key = NULL, full_load_started_at = NULL,
                cursor_updated_at = $2, cursor_key = NULL, refill_reason = NULL, rows_applied = rows_applied + $3,
                last_run_at = now(), last_success_at = now(), last_error = NULL, last_error_at = NULL,
                keys_compared_at = now(), rows_compared_at = now(), reloaded_at = now()
            WHERE source_table = $1
            """, [sourceTable, cursor, String(rows)])
    }

    /// A reload given up, to be started over by the next sync because of `reason`.
    func recordReloadRestart(of sourceTable: String, because reason: String, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            """
            UPDATE \(table) SET full_load_table = NULL, full_load_key = NULL, full_load_started_at = NULL, refill_reason = $2
            WHERE source_table = $1
            """, [sourceTable, reason])
    }

    /// Adds a batch's policy counts, bound, to the table's totals.
    private static func countAssignments(_ counts: ValuePolicyCounts, _ binds: inout Binds) -> String {
        [("invalid_dates_nulled", counts.invalidDatesNulled), ("nul_bytes_removed", counts.nulBytesRemoved),
         ("invalid_utf8_replaced", counts.invalidUTF8Replaced)]
            .map { column, count in "\(column) = \(column) + \(binds.append(String(count)))" }.joined(separator: ", ")
    }

    // MARK: Bucket fingerprints (`FingerprintLedger`)

    /// The bucketing and query digest a full-mode table's kept fingerprints were taken with (text as stored).
    func fingerprintBasis(of sourceTable: String, on connection: isolated PostgresConnection) throws -> (bucketing: String?, digest: String?)? {
        try connection.execute("SELECT fingerprint_bucketing, fingerprint_basis FROM \(table) WHERE source_table = $1", [sourceTable])
            .rows.first.map { ($0[0], $0[1]) }
    }

    /// Records the basis of the fingerprints kept from now on; `nil`s when none are kept.
    func recordFingerprintBasis(of sourceTable: String, bucketing: String?, digest: String?, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            "UPDATE \(table) SET fingerprint_bucketing = $2, fingerprint_basis = $3 WHERE source_table = $1", [sourceTable, bucketing, digest])
    }
}
