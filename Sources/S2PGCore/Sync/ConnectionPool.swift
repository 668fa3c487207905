/// Idle connections handed from one table's sync to the next, so that a pass opens no more connections than
/// it runs tables at once: each opening costs an authentication round trip (SCRAM's notably).
actor ConnectionPool<Connection: Sendable> {
    private var idle: [Connection] = []
    private let open: @Sendable () async throws -> Connection

    init(open: @escaping @Sendable () async throws -> Connection) {
        self.open = open
    }

    /// An idle connection, or a new one.
    func take() async throws -> Connection {
        if let connection = idle.popLast() { return connection }
        return try await open()
    }

    /// Returns a connection after a success; one that failed is dropped instead (it may be mid-transaction).
    func giveBack(_ connection: Connection) {
        idle.append(connection)
    }
}
