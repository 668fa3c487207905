import PostgresClient

/// Every whole pass of a table, by whom and when (`pass_history`): begun under the table's lease, ended with
/// the pass; one the process died in keeps no end. What it shows: which worker synced a table when, and that
/// no two ever did so at once. Kept for an hour. All of `pass_history`'s SQL is here.
struct PassHistory: Sendable {
    let schema: String

    private var history: String { PostgresIdentifier.qualified(schema, "pass_history") }

    /// Records that `identity` begins a pass of `table`; returns the record's id, for `end`.
    func begin(_ table: String, by identity: TableLease.Identity, on connection: isolated PostgresConnection) throws -> String {
        try connection.execute(
            "INSERT INTO \(history) (source_table, worker_id, command) VALUES ($1, $2, $3) RETURNING id",
            [table, identity.worker, identity.command]
        ).rows[0][0]!
    }

    /// Records how the pass `id` ended: its kind and rows, or its error.
    func end(_ id: String, result: Result<TableSyncResult, any Error>, on connection: isolated PostgresConnection) throws {
        let (kind, rows, error): (String?, String?, String?)
        switch result {
        case .success(let result): (kind, rows, error) = (result.kind.rawValue, String(result.rows), nil)
        case .failure(let failure): (kind, rows, error) = (nil, nil, "\(failure)")
        }
        try connection.execute(
            "UPDATE \(history) SET finished_at = clock_timestamp(), kind = $2, rows = $3::bigint, error = $4 WHERE id = $1::bigint",
            [id, kind, rows, error])
    }

    /// Forgets passes begun over an hour ago.
    func prune(on connection: isolated PostgresConnection) throws {
        try connection.execute("DELETE FROM \(history) WHERE started_at < now() - interval '1 hour'")
    }
}
