import Foundation
import Logging
import MariaDBClient
import PostgresClient
import S2PGCore

/// A source database and a target schema (with its state schema beside it) for one sync test.
struct SyncFixture: Sendable {
    let source: MariaDBConnection
    let target: PostgresConnection
    let schema: String
    var configuration: Configuration

    static let logger = Logger(label: "s2pg.test")

    static func with(
        _ sync: SyncConfiguration = SyncConfiguration(), _ body: (inout SyncFixture) async throws -> Void
    ) async throws {
        try await LiveDatabases.withMariaDB { source in
            try await LiveDatabases.withPostgresSchema { target, schema in
                let database = try await source.query("SELECT DATABASE()").strings[0][0]!
                var sourceConfiguration = try LiveDatabases.mariaDB(database: database)
                sourceConfiguration.tls = .disabled
                var fixture = SyncFixture(
                    source: source, target: target, schema: schema,
                    configuration: Configuration(
                        source: SourceConfiguration(connection: sourceConfiguration),
                        target: TargetConfiguration(connection: try LiveDatabases.postgres(), schema: schema, stateSchema: schema + "_state"),
                        sync: sync))
                try await body(&fixture)
            }
        }
    }

    /// Runs one sync pass and returns each table's result, failing on any table's error.
    @discardableResult
    func sync(_ tables: [String] = []) async throws -> [String: TableSyncResult] {
        let outcomes = try await Replicator(configuration: configuration, logger: Self.logger).sync(only: tables)
        return try Dictionary(uniqueKeysWithValues: outcomes.map { ($0.table, try $0.result.get()) })
    }

    func verify(_ table: String) async throws -> VerifyReport {
        let plan = try await Replicator(configuration: configuration, logger: Self.logger).plans(only: [table])[0]
        return try await Verifier(configuration: configuration).verify(plan)
    }

    /// Rows of the mirror, as PostgreSQL prints them.
    func mirror(_ sql: String, _ parameters: [String?] = []) async throws -> [[String?]] {
        try await target.execute(sql, parameters).rows
    }

    func state(_ table: String) async throws -> TableState {
        let store = StateStore(schema: configuration.target.stateSchema)
        return try await target.run { try store.state(of: table, on: $0)! }
    }

    /// The configuration as a file for the `s2pg` binary, passwords left to the environment.
    func configurationFile() throws -> (URL, [String: String]) {
        let source = configuration.source.connection
        let target = configuration.target.connection
        let sync = configuration.sync
        let json = """
            {"source": {"host": "\(source.host)", "port": \(source.port), "user": "\(source.user)", "database": "\(source.database!)", "tls": "disabled"},
             "target": {"host": "\(target.host!)", "port": \(target.port!), "user": "\(target.user!)", "database": "\(target.database!)",
                        "sslmode": "disable", "schema": "\(schema)", "state_schema": "\(configuration.target.stateSchema)"},
             "sync": {"batch_rows": \(sync.batchRows), "parallel_tables": \(sync.parallelTables), "lookback_seconds": \(sync.lookbackSeconds),
                      "deletes": "\(sync.deletes.rawValue)", "deletes_interval": "\(sync.deletesIntervalSeconds)s",
                      "max_delete_fraction": \(sync.maxDeleteFraction), "catalog_refresh": "\(sync.catalogRefreshSeconds)s",
                      "copy_format": "\(sync.binaryCopy ? "binary" : "text")", "parallel_streams": \(sync.parallelStreams), "worker_lease": "\(sync.workerLeaseSeconds)s",
                      "tables": [\(sync.tables.map { "\"\($0)\"" }.joined(separator: ", "))]}}
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(LiveDatabases.uniqueName("s2pg") + ".json")
        try json.write(to: file, atomically: true, encoding: .utf8)
        return (file, ["S2PG_SOURCE_PASSWORD": source.password!, "S2PG_TARGET_PASSWORD": target.password!])
    }
}
