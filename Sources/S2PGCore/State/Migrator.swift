import Logging
import PostgresClient

/// Brings s2pg's state schema in the target up to date.
///
/// All pending migrations run in one transaction, under an advisory lock of the state schema's own: two s2pg
/// processes cannot migrate one state schema at once, and those of different state schemas on one database
/// never wait for each other. Either every migration is applied and recorded, or nothing is. Applying twice is a
/// no-op. A migration whose text changed since it was applied, or a ledger newer than this build, stops
/// with an error instead of guessing.
public struct Migrator: Sendable {
    public var schema: String
    public var migrations: [Migration]

    public init(schema: String, migrations: [Migration] = Migration.embedded) {
        self.schema = schema
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Applies what is pending; returns the migrations applied now (empty when up to date).
    @discardableResult
    public func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [Migration] {
        let schema = schema
        let migrations = migrations
        let applied = try await connection.transaction { connection in
            try connection.execute("SELECT pg_advisory_xact_lock($1::bigint)", [String(TableLease.schemaLockKey(schema, "migrations"))])
            try connection.execute("CREATE SCHEMA IF NOT EXISTS \(PostgresIdentifier.quote(schema))")
            try connection.execute("SET LOCAL search_path TO \(PostgresIdentifier.quote(schema))")
            let ledger = PostgresIdentifier.qualified(schema, "schema_migrations")
            let exists = try connection.execute("SELECT to_regclass($1) IS NOT NULL", [ledger]).rows[0][0] == "t"
            var recorded: [Int: String] = [:]
            if exists {
                for row in try connection.execute("SELECT version, checksum FROM schema_migrations").rows {
                    recorded[Int(row[0]!)!] = row[1]!
                }
            }
            if let newest = recorded.keys.max(), let known = migrations.last?.version, newest > known {
                throw S2PGError(
                    code: .migration,
                    message: "the state schema \"\(schema)\" is at migration \(newest), newer than this s2pg "
                        + "knows (\(known)): run a newer s2pg")
            }
            var appliedNow: [Migration] = []
            for migration in migrations {
                let checksum = "encode(sha256(convert_to($1, 'UTF8')), 'hex')"
                if let stored = recorded[migration.version] {
                    let current = try connection.execute("SELECT \(checksum)", [migration.sql]).rows[0][0]
                    guard current == stored else {
                        throw S2PGError(
                            code: .migration,
                            message: "migration \(migration.label) was changed after it was applied to schema "
                                + "\"\(schema)\"; restore the original file and add a new migration instead")
                    }
                    continue
                }
                try connection.execute(migration.sql)
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($2::integer, $3, \(checksum))",
                    [migration.sql, String(migration.version), migration.name])
                appliedNow.append(migration)
            }
            return appliedNow
        }
        for migration in applied {
            logger.info("applied migration", metadata: ["migration": "\(migration.label)", "state.schema": "\(schema)"])
        }
        return applied
    }
}
