import Logging
import PostgresClient
import S2PGCore
import Testing

@Suite("State schema migrations", .enabled(if: LiveDatabases.enabled))
struct MigratorTests {
    static let logger = Logger(label: "s2pg.test")
    static let stateTables = [
        "assignments", "bucket_fingerprints", "column_map", "leases", "pass_history", "rejects", "reload_parts", "schema_migrations",
        "table_state", "workers",
    ]

    /// Runs `body` with a connection and a state schema name nobody uses; drops the schema afterwards.
    static func withStateSchema(_ body: (PostgresConnection, String) async throws -> Void) async throws {
        try await LiveDatabases.withPostgresSchema { connection, scratch in try await body(connection, scratch + "_state") }
    }

    static func tables(in schema: String, _ connection: PostgresConnection) async throws -> [String] {
        try await connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", [schema]
        ).rows.map { $0[0]! }
    }

    @Test("the first run creates the ledger and the state table; the second is a no-op")
    func idempotent() async throws {
        try await Self.withStateSchema { connection, schema in
            let migrator = Migrator(schema: schema)
            let first = try await migrator.migrate(connection, logger: Self.logger)
            #expect(first.map(\.label) == Migration.embedded.map(\.label))
            #expect(try await Self.tables(in: schema, connection) == Self.stateTables)
            let second = try await migrator.migrate(connection, logger: Self.logger)
            #expect(second.isEmpty)
            let ledger = try await connection.execute(
                "SELECT version, name FROM \(PostgresIdentifier.qualified(schema, "schema_migrations")) ORDER BY 1")
            #expect(ledger.rows == Migration.embedded.map { [String($0.version), $0.name] })
        }
    }

    @Test("two processes migrating one state schema take turns; one migrating another state schema waits for neither")
    func concurrentMigrations() async throws {
        try await Self.withStateSchema { connection, schema in
            try await LiveDatabases.withPostgresSchema { _, scratch in
                let other = scratch + "_state"
                try await Migrator(schema: schema).migrate(connection, logger: Self.logger)
                // A reader holding the ledger keeps the next migration of `schema` waiting inside its transaction.
                let holder = try await PostgresConnection.connect(try LiveDatabases.postgres())
                try await holder.execute("BEGIN")
                try await holder.execute("LOCK TABLE \(PostgresIdentifier.qualified(schema, "schema_migrations")) IN ACCESS EXCLUSIVE MODE")
                let waiting = try await PostgresConnection.connect(try LiveDatabases.postgres())
                let pid = try await waiting.execute("SELECT pg_backend_pid()").rows[0][0]!
                let blocked = Task { try await Migrator(schema: schema).migrate(waiting, logger: Self.logger) }
                try await CrashTests.waitUntil("the migration waiting for the ledger", within: 60) {
                    try await connection.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1::integer", [pid]).rows == [["Lock"]]
                }
                // Another state schema migrates meanwhile (it would wait on one database-wide lock: give up then).
                let third = try await PostgresConnection.connect(try LiveDatabases.postgres())
                try await third.execute("SET lock_timeout = '10s'")
                let applied = try await Migrator(schema: other).migrate(third, logger: Self.logger)
                #expect(applied.map(\.label) == Migration.embedded.map(\.label))
                // A third migration of `schema` waits for the one under way (giving up at its lock_timeout);
                // that one, once the ledger is free, finds nothing to do.
                let sameSchema = try await PostgresConnection.connect(try LiveDatabases.postgres())
                try await sameSchema.execute("SET lock_timeout = '1s'")
                await #expect(throws: PostgresError.self) { try await Migrator(schema: schema).migrate(sameSchema, logger: Self.logger) }
                try await holder.execute("ROLLBACK")
                #expect(try await blocked.value.isEmpty)
                #expect(try await Self.tables(in: other, connection) == Self.stateTables)
            }
        }
    }

    @Test("migration 2 turns the stored key literals of earlier versions into values")
    func typedKeys() async throws {
        try await Self.withStateSchema { connection, schema in
            try await Migrator(schema: schema, migrations: Migration.embedded.filter { $0.version == 1 }).migrate(connection, logger: Self.logger)
            // What earlier versions wrote: quoted strings ('' and \\ doubled), X'' hex for bytes and bits, bare numbers.
            try await connection.execute(
                """
                INSERT INTO \(PostgresIdentifier.qualified(schema, "table_state")) (source_table, target_table, mode, cursor_updated_at, cursor_key, full_load_key)
                VALUES ('a', 'a', 'incremental', '2025-10-01 00:00:00', $1::text[], NULL), ('b', 'b', 'full', NULL, NULL, $2::text[])
                """,
                [PostgresArray.literal([#"'c''d'"#, #"X'00FF'"#, "-42", #"'back\\slash \\'''"#, "''"]), PostgresArray.literal(["12.5"])])
            try await Migrator(schema: schema).migrate(connection, logger: Self.logger)
            let states = try await StateStore(schema: schema).all(on: connection)
            #expect(states.map(\.cursorKey) == [["c'd", "00ff", "-42", #"back\slash \'"#, ""], nil])
            #expect(states.map(\.fullLoadKey) == [nil, ["12.5"]])
        }
    }

    @Test("a failing migration leaves nothing half-applied")
    func failingMigration() async throws {
        try await Self.withStateSchema { connection, schema in
            let broken = Migration(
                version: 9_999, name: "broken", sql: "CREATE TABLE half (a integer); SELECT * FROM no_such_table;")
            // From nothing: not even the schema remains.
            await #expect(throws: PostgresError.self) {
                try await Migrator(schema: schema, migrations: Migration.embedded + [broken])
                    .migrate(connection, logger: Self.logger)
            }
            let schemaExists = try await connection.execute(
                "SELECT count(*) FROM pg_namespace WHERE nspname = $1", [schema]).rows[0][0]
            #expect(schemaExists == "0")

            // On top of an applied schema: the earlier migrations stay, the broken one leaves no trace.
            try await Migrator(schema: schema).migrate(connection, logger: Self.logger)
            await #expect(throws: PostgresError.self) {
                try await Migrator(schema: schema, migrations: Migration.embedded + [broken])
                    .migrate(connection, logger: Self.logger)
            }
            #expect(try await Self.tables(in: schema, connection) == Self.stateTables)
            let versions = try await connection.execute(
                "SELECT version FROM \(PostgresIdentifier.qualified(schema, "schema_migrations")) ORDER BY 1")
            #expect(versions.rows.map { Int($0[0]!)! } == Migration.embedded.map(\.version))
        }
    }

    @Test("a migration edited after it was applied is refused")
    func editedMigration() async throws {
        try await Self.withStateSchema { connection, schema in
            try await Migrator(schema: schema).migrate(connection, logger: Self.logger)
            var edited = Migration.embedded
            edited[0].sql += "\n-- edited"
            let error = await #expect(throws: S2PGError.self) {
                try await Migrator(schema: schema, migrations: edited).migrate(connection, logger: Self.logger)
            }
            #expect(error?.code == .migration)
            #expect(error?.description.contains("was changed after it was applied") == true)
        }
    }

    @Test("a state schema newer than this build is refused")
    func newerLedger() async throws {
        try await Self.withStateSchema { connection, schema in
            try await Migrator(schema: schema).migrate(connection, logger: Self.logger)
            try await connection.execute(
                "INSERT INTO \(PostgresIdentifier.qualified(schema, "schema_migrations")) (version, name, checksum) "
                    + "VALUES (9999, 'future', 'x')")
            let error = await #expect(throws: S2PGError.self) {
                try await Migrator(schema: schema).migrate(connection, logger: Self.logger)
            }
            #expect(error?.description.contains("newer than this s2pg") == true)
        }
    }
}
