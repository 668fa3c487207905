/// Idle connections handed from one table's sync to the next, so that a pass opens no more connections than
/// it runs tables at once: each opening costs an authentication round trip (SCRAM's notably). `s2pg run`
/// keeps one pool across passes.
actor ConnectionPool<Connection: Sendable> {
    private var idle: [(connection: Connection, since: ContinuousClock.Instant)] = []
    private let open: @Sendable () async throws -> Connection

    /// A connection idle longer is closed rather than reused: servers and proxies end idle sessions (MariaDB's
    /// `wait_timeout`, a load balancer's idle timeout), and a table should not fail for it.
    static var maximumIdle: Duration { .seconds(30) }

    init(open: @escaping @Sendable () async throws -> Connection) {
        self.open = open
    }

    /// An idle connection, or a new one.
    func take() async throws -> Connection {
        let now = ContinuousClock.now
        idle.removeAll { now - $0.since > Self.maximumIdle }
        if let kept = idle.popLast() { return kept.connection }
        return try await open()
    }

    /// Returns a connection after a success; one that failed is dropped instead (it may be mid-transaction).
    func giveBack(_ connection: Connection) {
        idle.append((connection, .now))
    }

    /// Runs `body` on a connection of the pool: given back when `body` returns, dropped when it throws.
    nonisolated func with<T: Sendable>(_ body: @Sendable (Connection) async throws -> T) async throws -> T {
        let connection = try await take()
        let value = try await body(connection)
        await giveBack(connection)
        return value
    }
}
