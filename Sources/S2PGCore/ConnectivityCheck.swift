import MariaDBClient
import PostgresClient

/// What `s2pg check` reports: can both databases be reached, and what are they.
public struct ConnectivityCheck: Sendable {
    /// One side of the check.
    public struct Endpoint: Sendable {
        public var role: String
        public var endpoint: String
        /// The server's name and version, or why it could not be reached.
        public var outcome: Result<String, any Error>
    }

    public var source: Endpoint
    public var target: Endpoint
    /// What works, but not as well as it could (the source hiding its open transactions).
    public var warnings: [String] = []

    public var succeeded: Bool {
        [source, target].allSatisfy { if case .success = $0.outcome { true } else { false } }
    }

    /// Connects to both sides (each failure is reported, neither stops the other).
    public static func run(_ configuration: Configuration) async -> ConnectivityCheck {
        async let source = checkSource(configuration)
        async let target = checkTarget(configuration.target)
        let (sourceSide, warnings) = await source
        return await ConnectivityCheck(source: sourceSide, target: target, warnings: warnings)
    }

    private static func checkSource(_ configuration: Configuration) async -> (Endpoint, [String]) {
        let source = configuration.source
        let outcome: Result<String, any Error>
        var warnings: [String] = []
        do {
            let connection = try await MariaDBConnection.connect(source.connection)
            let dialect = try await connection.run { try SourceDialect.detect(on: $0) }
            if let warning = try await OpenTransactions.visibilityWarning(on: connection, dialect: dialect, configuration) { warnings.append(warning) }
            outcome = .success(await connection.run { connection in
                // SingleStore reports a MySQL version; its own is in @@memsql_version.
                let product = if case .singleStore(let version) = dialect { "SingleStore \(version)" } else { "MySQL-compatible server \(connection.serverVersion)" }
                let tls = connection.tlsCipher.map { "TLS \($0)" } ?? "no TLS"
                return "\(product), database \(source.connection.database ?? "-"), \(tls)"
            })
        } catch {
            outcome = .failure(error)
        }
        return (Endpoint(role: "source", endpoint: source.connection.endpoint, outcome: outcome), warnings)
    }

    private static func checkTarget(_ target: TargetConfiguration) async -> Endpoint {
        do {
            let connection = try await PostgresConnection.connect(target.connection)
            let description = try await connection.run { connection in
                let database = try connection.execute("SELECT current_database()").rows[0][0] ?? "-"
                return "PostgreSQL \(connection.serverVersion), database \(database), "
                    + (connection.usesTLS ? "TLS" : "no TLS")
            }
            return Endpoint(role: "target", endpoint: connection.endpoint, outcome: .success(description))
        } catch {
            let endpoint = (error as? PostgresError)?.endpoint ?? "-"
            return Endpoint(role: "target", endpoint: endpoint, outcome: .failure(error))
        }
    }
}
