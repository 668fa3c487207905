import Logging
import PostgresClient

/// Brings a mirror table in line with its plan before the table is synced: creates it, adds and widens
/// columns, and records names and mode in the state schema, all in one transaction.
public struct SchemaReconciler: Sendable {
    public var stateSchema: String

    public init(stateSchema: String) {
        self.stateSchema = stateSchema
    }

    /// Applies what `SchemaDrift` finds and returns it. The state schema must be migrated. When the table is
    /// about to be reloaded (`reloading`), a change the mirror cannot follow is no error: the reload builds
    /// the new shape and swaps it in.
    @discardableResult
    public func reconcile(
        _ plan: TablePlan, reloading: Bool = false, on connection: PostgresConnection, logger: Logger
    ) async throws -> [SchemaChange] {
        let stateSchema = stateSchema
        let changes = try await connection.transaction { connection in
            // Two tables' first passes may create the schema at once: `IF NOT EXISTS` does not keep the second
            // from failing on the catalog's unique index (23505), so creators take turns.
            if try connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = $1", [plan.targetSchema]).rows.isEmpty {
                try connection.execute("SELECT pg_advisory_xact_lock($1::bigint)", [String(TableLease.schemaLockKey(plan.targetSchema, "create"))])
                try connection.execute("CREATE SCHEMA IF NOT EXISTS \(PostgresIdentifier.quote(plan.targetSchema))")
            }
            let existing = try TargetTableShape.read(schema: plan.targetSchema, table: plan.targetName, on: connection)
            let changes: [SchemaChange]
            do {
                changes = try SchemaDrift.changes(from: existing, to: plan)
            } catch let error as S2PGError where error.code == .schemaDrift && reloading {
                changes = [.replaceTable]
            }
            for change in changes {
                if let sql = change.sql(for: plan) { try connection.execute(sql) }
            }
            // s2pg's own columns (`_s2pg_deleted_at` when soft deletes are turned on) need no source values.
            let added = changes.compactMap { if case .addColumn(let name) = $0 { name } else { nil } }
                .filter { !$0.hasPrefix(TablePlan.metadataPrefix) }
            // A new column must be filled for rows that did not change since: the next sync re-reads them all.
            let refill = existing != nil && !added.isEmpty ? "columns added: \(added.joined(separator: ", "))" : nil
            // A mirror dropped behind s2pg's back is created again empty: a table with state (a cursor past
            // the rows it held) must then be read again whole, not go on from its cursor.
            let recreated = existing == nil ? "the mirror table was missing" : nil
            try StateStore(schema: stateSchema).recordPlan(plan, refill: refill, recreated: recreated, on: connection)
            return changes
        }
        for change in changes {
            let level: Logger.Level = if case .keepDroppedColumn = change { .warning } else { .info }
            logger.log(level: level, "\(change)", metadata: ["table.name": "\(plan.sourceName)"])
        }
        return changes
    }
}
