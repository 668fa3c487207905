import MariaDBClient

/// Reads which transactions are open at the source (its live list, `SourceDialect.liveTransactionsSQL`, or
/// else `SourceDialect.openTransactionsSQL`): a transaction that started before the reading and may still
/// commit rows stamped before it is then either committed (its rows visible to the reads that follow) or in
/// the list. The tables of a pass share a reading (`reading`) taken at most `liveSharing` before (`spacing`
/// without a live list), each bounding its reads at the reading's moment (`ReadBound`).
enum OpenTransactions {
    /// What the source said, and when (this process's clock) it was asked.
    struct Reading: Sendable {
        var visibility: ReadBound.Visibility
        var asked: ContinuousClock.Instant
    }

    /// The latest reading of each source database, shared while it is younger than `window`.
    private actor Shared {
        var latest: [String: (asked: ContinuousClock.Instant, reading: Task<Reading, any Error>)] = [:]

        func reading(_ source: String, window: Duration, take: @escaping @Sendable () async throws -> Reading) async throws -> Reading {
            if let latest = latest[source], ContinuousClock.now - latest.asked < window { return try await latest.reading.value }
            let reading = Task { try await take() }
            latest[source] = (.now, reading)
            return try await reading.value
        }
    }

    private static let shared = Shared()

    /// A reading of the source behind `configuration`, fresh or shared with the other tables of the pass.
    static func reading(on connection: MariaDBConnection, dialect: SourceDialect, source: MariaDBConfiguration) async throws -> Reading {
        let window = dialect.liveTransactionsSQL == nil ? spacing : liveSharing
        return try await shared.reading("\(source.endpoint)/\(source.database ?? "")", window: window) {
            let asked = ContinuousClock.now
            return Reading(visibility: try await read(on: connection, dialect: dialect), asked: asked)
        }
    }

    /// InnoDB answers `INNODB_TRX` from a cache that it refreshes only when it was not read in the last 100 ms
    /// (`CACHE_MIN_IDLE_TIME` in `trx0i_s.cc`): read more often, it shows transactions as they were long
    /// ago. This process reads it at most this often, so that each of its reads refreshes it.
    static let spacing = Duration.milliseconds(110)
    /// How long the tables of a pass share a reading of a live list, which can be asked again at once: the
    /// bound of a table that reads it later lags that much at most, and a pass over many changed tables asks
    /// a few times, not once per table.
    static let liveSharing = Duration.milliseconds(20)
    private static let lastRead = Locked<ContinuousClock.Instant?>(nil)

    static func read(on source: MariaDBConnection, dialect: SourceDialect) async throws -> ReadBound.Visibility {
        if let live = try await readLive(on: source, dialect: dialect) { return live }
        let first: [OpenTransaction]
        do {
            first = try await query(source, dialect)
        } catch let error as MariaDBError where SourceDialect.hidesTransactions(error) {
            return .hidden(error.message)
        }
        guard !first.isEmpty else { return .seen([]) }
        // Most write transactions end within milliseconds: the ones seen are looked for again, and only
        // those still open hold the bound back (a whole second, on MariaDB's `trx_started`, otherwise).
        let listed = Set(try await query(source, dialect).map(\.id))
        return .seen(first.filter { listed.contains($0.id) })
    }

    /// A reading from the source's live lists (`SourceDialect.liveTransactionsSQL`, `SourceDialect.sessionsSQL`):
    /// what may still commit rows stamped before it (`LiveHolders`) is watched at once, then after pauses of
    /// 2, 4, 8... ms for as long as asking `INNODB_TRX` again would take (most end within milliseconds), and
    /// only what still holds then is seen. `nil` when there is no live list, or it cannot be read (no
    /// privilege, a report cut short): `INNODB_TRX` is asked instead (and says why it will not).
    private static func readLive(on source: MariaDBConnection, dialect: SourceDialect) async throws -> ReadBound.Visibility? {
        guard let sql = dialect.liveTransactionsSQL, let first = try? await look(source, sql) else { return nil }
        var holders = LiveHolders(first.status, first.sessions)
        let deadline = ContinuousClock.now + spacing
        var pause = Duration.milliseconds(2)
        while !holders.holders.isEmpty, deadline > .now {
            try await Task.sleep(for: min(pause, deadline - .now))
            pause *= 2
            guard let now = try? await look(source, sql) else { return nil }
            holders.look(now.status, now.sessions)
        }
        return .seen(holders.transactions(printedAt: first.status.printedAt))
    }

    /// One look at the live lists: InnoDB's report, then this database's connections.
    private static func look(_ source: MariaDBConnection, _ sql: String) async throws -> (status: InnoDBStatus, sessions: [LiveHolders.Session])? {
        guard let status = try await liveStatus(source, sql),
            let sessions = LiveHolders.Session.parse(try await source.query(SourceDialect.sessionsSQL).strings)
        else { return nil }
        return (status, sessions)
    }

    private static func liveStatus(_ source: MariaDBConnection, _ sql: String) async throws -> InnoDBStatus? {
        try await source.query(sql).strings.first?.last.flatMap { $0 }.flatMap(InnoDBStatus.init)
    }

    private static func query(_ source: MariaDBConnection, _ dialect: SourceDialect) async throws -> [OpenTransaction] {
        let wait = lastRead.withLock { last -> Duration in
            let now = ContinuousClock.now
            let start = max(now, last.map { $0 + spacing } ?? now)
            last = start
            return start - now
        }
        if wait > .zero { try await Task.sleep(for: wait) }
        return try OpenTransaction.parse(try await source.query(dialect.openTransactionsSQL).strings)
    }

    /// What `check`, `discover` and the first pass say when the source does not tell which transactions are
    /// open; `nil` when it does.
    static func hiddenWarning(_ visibility: ReadBound.Visibility, user: String, settleSeconds: Int) -> String? {
        guard case .hidden(let reason) = visibility else { return nil }
        return "the source does not say which transactions are open (\(reason)): reads stop sync.settle_delay (\(settleSeconds) s) "
            + "behind its clock, and rows that a transaction open longer than that commits behind the cursor are only repaired by the "
            + "comparisons. On MariaDB/MySQL: GRANT PROCESS ON *.* TO '\(user)'; on SingleStore, PROCESS as well"
    }

    /// `hiddenWarning` for the source behind `connection`, a server of `dialect`.
    static func visibilityWarning(on connection: MariaDBConnection, dialect: SourceDialect, _ configuration: Configuration) async throws -> String? {
        let visibility = try await read(on: connection, dialect: dialect)
        return hiddenWarning(visibility, user: configuration.source.connection.user, settleSeconds: configuration.sync.settleDelaySeconds)
    }
}
