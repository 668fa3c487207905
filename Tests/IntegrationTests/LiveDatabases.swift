import Foundation
import MariaDBClient
import PostgresClient
import Testing

/// Where the live test databases are, from the environment `scripts/databases.sh env` prints.
///
/// Outside CI, the integration tests are skipped when the variables are not set (a plain `swift test`
/// without databases); in CI (`CI=true`) they run regardless, so a database that cannot be reached fails
/// the run instead of skipping it.
enum LiveDatabases {
    static let environment = ProcessInfo.processInfo.environment

    static let enabled = environment["S2PG_MARIADB_HOST"] != nil || environment["CI"] == "true"

    static func variable(_ name: String) throws -> String {
        guard let value = environment[name], !value.isEmpty else {
            throw MissingVariable(name: name)
        }
        return value
    }

    struct MissingVariable: Error, CustomStringConvertible {
        var name: String
        var description: String { "\(name) is not set: run `eval \"$(scripts/databases.sh env)\"` or scripts/test.sh" }
    }

    static func mariaDB(database: String? = nil) throws -> MariaDBConfiguration {
        MariaDBConfiguration(
            host: try variable("S2PG_MARIADB_HOST"), port: Int(try variable("S2PG_MARIADB_PORT"))!,
            user: try variable("S2PG_MARIADB_USER"), password: try variable("S2PG_MARIADB_PASSWORD"),
            database: database, connectTimeout: 5)
    }

    /// The small MariaDB that speaks TLS, its certificate as the CA to trust.
    static func mariaDBWithTLS(_ tls: MariaDBTLSMode) throws -> MariaDBConfiguration {
        var configuration = try mariaDB()
        configuration.port = Int(try variable("S2PG_MARIADB_TLS_PORT"))!
        configuration.tls = tls
        configuration.tlsCA = try variable("S2PG_MARIADB_TLS_CA")
        return configuration
    }

    static func postgres() throws -> PostgresConfiguration {
        PostgresConfiguration(
            host: try variable("S2PG_POSTGRES_HOST"), port: Int(try variable("S2PG_POSTGRES_PORT"))!,
            user: try variable("S2PG_POSTGRES_USER"), password: try variable("S2PG_POSTGRES_PASSWORD"),
            database: try variable("S2PG_POSTGRES_DATABASE"), sslmode: "disable", connectTimeout: 5)
    }

    /// A name no other test (or earlier run) uses.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Runs `body`, then `cleanup` whether `body` threw or not.
    static func withCleanup<T>(_ body: () async throws -> T, cleanup: () async -> Void) async throws -> T {
        do {
            let value = try await body()
            await cleanup()
            return value
        } catch {
            await cleanup()
            throw error
        }
    }

    /// Runs `body` with a connection to a fresh MariaDB database, dropped afterwards.
    static func withMariaDB<T>(_ body: (MariaDBConnection) async throws -> T) async throws -> T {
        let name = uniqueName("s2pg_test")
        let admin = try await MariaDBConnection.connect(try mariaDB())
        try await admin.execute("CREATE DATABASE \(MariaDBIdentifier.quote(name)) CHARACTER SET utf8mb4")
        return try await withCleanup {
            try await body(try await MariaDBConnection.connect(try mariaDB(database: name)))
        } cleanup: {
            _ = try? await admin.execute("DROP DATABASE \(MariaDBIdentifier.quote(name))")
        }
    }

    /// Runs `body` with a connection whose `search_path` is a fresh schema, and the name of that schema.
    /// The schema, and a state schema named after it with `_state`, are dropped afterwards.
    static func withPostgresSchema<T>(_ body: (PostgresConnection, String) async throws -> T) async throws -> T {
        let schema = uniqueName("s2pg_test")
        let connection = try await PostgresConnection.connect(try postgres())
        try await connection.execute("CREATE SCHEMA \(PostgresIdentifier.quote(schema))")
        try await connection.execute("SET search_path TO \(PostgresIdentifier.quote(schema))")
        return try await withCleanup {
            try await body(connection, schema)
        } cleanup: {
            let schemas = [schema, schema + "_state"].map(PostgresIdentifier.quote).joined(separator: ", ")
            _ = try? await connection.execute("DROP SCHEMA IF EXISTS \(schemas) CASCADE")
        }
    }
}

extension LiveDatabases {
    /// Runs `body` with the MariaDB server's global `sql_mode` set to `mode` (what new sessions start with),
    /// restoring it afterwards.
    static func withGlobalSQLMode<T>(_ mode: String, _ body: () async throws -> T) async throws -> T {
        let admin = try await MariaDBConnection.connect(try mariaDB())
        let saved = try await admin.query("SELECT @@GLOBAL.sql_mode").strings[0][0]!
        try await admin.execute("SET GLOBAL sql_mode = \(MariaDBIdentifier.literal(mode.utf8))")
        return try await withCleanup(body) {
            _ = try? await admin.execute("SET GLOBAL sql_mode = \(MariaDBIdentifier.literal(saved.utf8))")
        }
    }
}
