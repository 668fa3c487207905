import PostgresClient

/// Reads and writes `table_state` in the state schema. Writes that describe synced rows happen inside the
/// same transaction as those rows (see `TargetWriter`); these are the others.
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

    public func all(on connection: PostgresConnection) async throws -> [TableState] {
        let sql = "SELECT \(TableState.columns) FROM \(table) ORDER BY source_table"
        return try await connection.execute(sql).rows.map(TableState.init)
    }

    public func recordError(_ message: String, for sourceTable: String, on connection: PostgresConnection) async throws {
        try await connection.execute(
            "UPDATE \(table) SET last_error = $2, last_error_at = now(), last_run_at = now() WHERE source_table = $1",
            [sourceTable, message])
    }

    /// Forgets the cursors of `tables` (and any reload in progress), so their next sync reloads them.
    /// Returns the tables that had state.
    @discardableResult
    public func reset(_ tables: [String], on connection: PostgresConnection) async throws -> [String] {
        try await connection.execute(
            """
            UPDATE \(table) SET cursor_updated_at = NULL, cursor_key = NULL, full_load_table = NULL,
                full_load_key = NULL, full_load_started_at = NULL
            WHERE source_table = ANY ($1::text[]) RETURNING source_table
            """, [PostgresArray.literal(tables)]
        ).rows.map { $0[0]! }
    }
}
