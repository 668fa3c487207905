import Foundation
import MariaDBClient
import PostgresClient
import Testing

/// Unreachable servers and wrong passwords: fast, clear failures that name host and port and never the
/// password.
@Suite("Connection failures", .enabled(if: LiveDatabases.enabled))
struct ConnectionFailureTests {
    static let wrongPassword = "definitely-not-the-password-42"

    /// One side's client, connected with a port, timeout and password of the test's choosing.
    enum Server: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case mariaDB = "MariaDB"
        case postgres = "PostgreSQL"

        var testDescription: String { rawValue }

        /// Connects and returns the error's description; records an issue if the connection succeeds.
        func connectionError(port: Int? = nil, timeout: Int = 5, password: String? = nil) async throws -> String {
            do {
                switch self {
                case .mariaDB:
                    var config = try LiveDatabases.mariaDB()
                    config.port = port ?? config.port
                    config.connectTimeout = timeout
                    config.password = password ?? config.password
                    _ = try await MariaDBConnection.connect(config)
                case .postgres:
                    var config = try LiveDatabases.postgres()
                    config.port = port ?? config.port
                    config.connectTimeout = timeout
                    config.password = password ?? config.password
                    _ = try await PostgresConnection.connect(config)
                }
                Issue.record("\(rawValue) connected")
                return ""
            } catch let error as MariaDBError {
                #expect(error.code == .connection)
                return error.description
            } catch let error as PostgresError {
                #expect(error.code == .connection)
                return error.description
            }
        }

        var port: Int {
            get throws {
                switch self {
                case .mariaDB: try LiveDatabases.mariaDB().port
                case .postgres: try LiveDatabases.postgres().port!
                }
            }
        }
    }

    @Test("a closed port fails at once, naming host and port", arguments: Server.allCases)
    func closedPort(_ server: Server) async throws {
        let port = try SilentListener.closedPort()
        let started = ContinuousClock.now
        let message = try await server.connectionError(port: port, timeout: 5)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(message.contains("127.0.0.1:\(port)"), "\(message)")
    }

    @Test("a server that never answers fails within the configured timeout", arguments: Server.allCases)
    func hangingServer(_ server: Server) async throws {
        let listener = try SilentListener()
        let started = ContinuousClock.now
        let message = try await server.connectionError(port: listener.port, timeout: 2)
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .seconds(1) && elapsed < .seconds(6), "took \(elapsed)")
        #expect(message.contains("127.0.0.1:\(listener.port)"), "\(message)")
    }

    @Test("a wrong password fails naming the server, never the password", arguments: Server.allCases)
    func wrongPassword(_ server: Server) async throws {
        let message = try await server.connectionError(password: Self.wrongPassword)
        #expect(message.contains("127.0.0.1:\(try server.port)"), "\(message)")
        #expect(!message.contains(Self.wrongPassword))
        #expect(message.contains(server == .mariaDB ? "Access denied" : "password authentication failed"), "\(message)")
    }

    @Test("MariaDB: tls 'required' against a server without TLS is refused, not silently plain")
    func mariaDBRequiredTLS() async throws {
        var config = try LiveDatabases.mariaDB()
        config.tls = .required
        let error = await #expect(throws: MariaDBError.self) { try await MariaDBConnection.connect(config) }
        #expect(error?.description.contains("does not offer TLS") == true)
        config.tls = .preferred
        let connection = try await MariaDBConnection.connect(config)
        #expect(await connection.tlsCipher == nil)
    }

    @Test("MariaDB: every tls mode that allows TLS uses it against a server with TLS, verifying its certificate where asked", arguments: [
        MariaDBTLSMode.preferred, .required, .verifyCA, .verifyIdentity,
    ])
    func mariaDBWithTLS(_ mode: MariaDBTLSMode) async throws {
        let connection = try await MariaDBConnection.connect(try LiveDatabases.mariaDBWithTLS(mode))
        #expect(await connection.tlsCipher != nil)
        if mode == .verifyCA || mode == .verifyIdentity {
            // A CA that did not sign the server's certificate: refused.
            var untrusted = try LiveDatabases.mariaDBWithTLS(mode)
            untrusted.tlsCA = try LiveDatabases.variable("S2PG_MARIADB_TLS_OTHER_CA")
            await #expect(throws: MariaDBError.self) { try await MariaDBConnection.connect(untrusted) }
        }
    }

    @Test("MariaDB over TLS: a connection killed mid-read is reported as cut, not as a TLS failure")
    func tlsConnectionCutMidRead() async throws {
        var configuration = try LiveDatabases.mariaDBWithTLS(.required)
        configuration.database = "shop"
        let connection = try await MariaDBConnection.connect(configuration)
        let admin = try await MariaDBConnection.connect(try LiveDatabases.mariaDBWithTLS(.required))
        let id = try await connection.query("SELECT CONNECTION_ID()").strings[0][0]!
        let reader = Task { try await connection.stream("SELECT seq FROM seq_1_to_100000000") { _ in } }
        try await Task.sleep(for: .milliseconds(300))
        try await admin.execute("KILL \(id)")
        let error = await #expect(throws: MariaDBError.self) { try await reader.value }
        #expect(error?.code == .connectionLost, "\(error.map { "\($0) \($0.errorNumber)" } ?? "")")
        #expect(error?.description.contains("the connection was closed while a result was being read") == true)
    }

    @Test("blocking calls run on each connection's own queue, not on the cooperative pool")
    func blockingCallsStayOffThePool() async throws {
        // Six one-second sleeps at once: on the 2-thread cooperative pool they would take 3 s and stall
        // every other task; on their own queues they overlap.
        let connections = try await withThrowingTaskGroup(of: MariaDBConnection.self) { group in
            for _ in 0..<6 { group.addTask { try await MariaDBConnection.connect(try LiveDatabases.mariaDB()) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let started = ContinuousClock.now
        async let tick: Duration = {
            let before = ContinuousClock.now
            try await Task.sleep(for: .milliseconds(50))
            return ContinuousClock.now - before
        }()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for connection in connections { group.addTask { try await connection.execute("DO SLEEP(1)") } }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .milliseconds(2500), "six parallel 1 s sleeps took \(elapsed)")
        #expect(try await tick < .milliseconds(500))
    }
}
