import CMariaDB
import ClientSupport

#if canImport(Glibc)
import Glibc
#endif

/// One connection to MariaDB or SingleStore.
///
/// The actor owns the `MYSQL` handle (closed in `deinit`) and runs on its own serial queue, so the blocking
/// Connector/C calls never sit on Swift's cooperative pool. Sessions use utf8mb4 and `sessionSetup(timeZone:)`.
public actor MariaDBConnection {
    private let executor: DispatchQueueExecutor
    private let handle: UnsafeMutablePointer<MYSQL>
    public nonisolated let configuration: MariaDBConfiguration
    /// Set once a streamed result was given up: the connection is cut, and refuses further statements.
    private var abandoned = false

    /// Run at the start of every session (and again on a reconnect, as an init command is), whatever the
    /// server's defaults:
    /// - `time_zone = '+00:00'` (the configuration's `sessionTimeZone`): TIMESTAMP values are read in UTC
    ///   where the server honours it (SingleStore does not; see `SourceZone`).
    /// - `sql_mode = ''`: s2pg's SQL means the same on every server. The flags that change how a query is
    ///   parsed (`ANSI_QUOTES`, `NO_BACKSLASH_ESCAPES`, which string literals depend on, `PIPES_AS_CONCAT`,
    ///   `IGNORE_SPACE`, `HIGH_NOT_PRECEDENCE`, MariaDB's `ORACLE`, `MSSQL`, ... ) or what a read returns
    ///   (`PAD_CHAR_TO_FULL_LENGTH`, `EMPTY_STRING_IS_NULL`, `TIME_ROUND_FRACTIONAL`) are off; the others
    ///   only govern writes, and s2pg never writes to the source.
    public static func sessionSetup(timeZone: String) -> String {
        "SET time_zone = \(MariaDBIdentifier.literal(timeZone.utf8)), sql_mode = ''"
    }

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Opens a connection; fails with `.connection` naming `host:port` when the server cannot be reached,
    /// refuses the login or cannot satisfy the TLS mode.
    public static func connect(_ configuration: MariaDBConfiguration) async throws(MariaDBError) -> MariaDBConnection {
        try MariaDBLibrary.initialize()
        let connection = try MariaDBConnection(configuration)
        try await connection.open()
        return connection
    }

    private init(_ configuration: MariaDBConfiguration) throws(MariaDBError) {
        guard let handle = mysql_init(nil) else {
            throw MariaDBError(code: .library, message: "mysql_init failed: out of memory")
        }
        self.handle = handle
        self.configuration = configuration
        self.executor = DispatchQueueExecutor(label: "s2pg.mariadb.\(configuration.endpoint)")
    }

    // Isolated: closing sends a goodbye to the server, a blocking call that belongs on the queue too.
    isolated deinit {
        mysql_close(handle)
    }

    private func open() throws(MariaDBError) {
        let config = configuration
        var connectTimeout = UInt32(clamping: config.connectTimeout)
        var readTimeout = UInt32(clamping: config.readTimeout)
        var writeTimeout = UInt32(clamping: config.writeTimeout)
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        mysql_options(handle, MYSQL_OPT_READ_TIMEOUT, &readTimeout)
        mysql_options(handle, MYSQL_OPT_WRITE_TIMEOUT, &writeTimeout)
        mysql_options(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        // An init command is replayed on every (re)connect, so the session can never silently revert.
        mysql_options(handle, MYSQL_INIT_COMMAND, Self.sessionSetup(timeZone: config.sessionTimeZone))
        configureTLS(config)

        let connected = mysql_real_connect(
            handle, config.host, config.user, config.password, config.database, UInt32(clamping: config.port),
            nil, 0)
        guard connected != nil else {
            throw error(.connection, prefix: "cannot connect to \(config.endpoint) as \(config.user)")
        }
        if config.tls != .disabled && config.tls != .preferred && mysql_get_ssl_cipher(handle) == nil {
            // Connector/C 3.3 falls back to plain text when the server has no TLS unless it verifies the
            // certificate; `required` must not, so it is checked here.
            throw MariaDBError(
                code: .connection,
                message: "tls is '\(config.tls.rawValue)' but the server at \(config.endpoint) does not offer TLS",
                endpoint: config.endpoint)
        }
    }

    private func configureTLS(_ config: MariaDBConfiguration) {
        var on: Int8 = 1
        var off: Int8 = 0
        switch config.tls {
        case .disabled:
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &off)
        case .preferred, .required:
            // `use_ssl` without verification: TLS when offered (Connector/C falls back otherwise).
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &on)
        case .verifyCA, .verifyIdentity:
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &on)
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on)
            if let ca = config.tlsCA { mysql_options(handle, MYSQL_OPT_SSL_CA, ca) }
        }
    }

    /// The server's version string (`10.11.6-MariaDB-0+deb12u1`, or for SingleStore its MySQL-compatible one).
    public var serverVersion: String {
        String(cString: mysql_get_server_info(handle))
    }

    /// The TLS cipher in use, or `nil` for a plain connection.
    public var tlsCipher: String? {
        mysql_get_ssl_cipher(handle).map { String(cString: $0) }
    }

    /// Runs a statement that returns no rows; returns the affected-row count.
    @discardableResult
    public func execute(_ sql: String) throws(MariaDBError) -> UInt64 {
        try send(sql)
        if let result = mysql_store_result(handle) {
            mysql_free_result(result)
        } else if mysql_field_count(handle) != 0 {
            throw error(.query, sql: sql)
        }
        return mysql_affected_rows(handle)
    }

    /// Runs a query and reads its whole result: for small results only.
    public func query(_ sql: String) throws -> MariaDBResult {
        var rows: [[[UInt8]?]] = []
        let columns = try stream(sql) { row in rows.append(row.copied()) }
        return MariaDBResult(columns: columns, rows: rows)
    }

    /// Runs a query and hands its rows to `body` one at a time as the server sends them
    /// (`mysql_use_result`): memory stays flat whatever the result's size. Returns the result's columns.
    /// If `body` throws, the rest of the result is given up and the connection cut: open another.
    @discardableResult
    public func stream(
        _ sql: String, _ body: (borrowing MariaDBRow) throws -> Void
    ) throws -> [MariaDBColumn] {
        try stream(sql, columns: { _ in }, body)
    }

    /// `stream`, handing the result's columns to `columns` before the first row.
    @discardableResult
    public func stream(
        _ sql: String, columns prepare: ([MariaDBColumn]) throws -> Void, _ body: (borrowing MariaDBRow) throws -> Void
    ) throws -> [MariaDBColumn] {
        try send(sql)
        guard let result = mysql_use_result(handle) else {
            if mysql_field_count(handle) == 0 { return [] }
            throw error(.query, sql: sql)
        }
        defer { mysql_free_result(result) }
        let count = Int(mysql_num_fields(result))
        let fields = mysql_fetch_fields(result)!
        let columns = (0..<count).map { MariaDBColumn(fields[$0]) }
        do {
            try prepare(columns)
        } catch {
            abandon()
            throw error
        }
        while let values = mysql_fetch_row(result) {
            do {
                try body(MariaDBRow(values: values, lengths: mysql_fetch_lengths(result), count: count))
            } catch {
                abandon()
                throw error
            }
        }
        if mysql_errno(handle) != 0 {
            throw streamError(sql: sql)
        }
        return columns
    }

    /// Runs `body` isolated to this connection, for several calls in a row without hopping queues.
    public func run<T: Sendable>(_ body: @Sendable (isolated MariaDBConnection) throws -> T) rethrows -> T {
        try body(self)
    }

    /// Cuts the connection under a result nobody will read. Freeing an unbuffered result reads the rest of it
    /// first (minutes for a large table); after `mariadb_cancel` reads fail at once instead. Closing with
    /// `SO_LINGER` 0 resets the socket, so the server's query fails on its next write and stops; a plain
    /// close would leave it blocked writing to a peer that reads nothing, until its write timeout. Not `KILL
    /// QUERY` from a second connection: on SingleStore a query id belongs to one aggregator, and behind a
    /// load balancer the second connection may reach another, where the id names someone else's query.
    private func abandon() {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(Int32(mysql_get_socket(handle)), SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        mariadb_cancel(handle)
        abandoned = true
    }

    private func send(_ sql: String) throws(MariaDBError) {
        if abandoned {
            throw MariaDBError(
                code: .connection, message: "the connection was cut when a result was given up", endpoint: configuration.endpoint, sql: sql)
        }
        let status = sql.utf8.withContiguousStorageIfAvailable { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { mysql_real_query(handle, $0.baseAddress, UInt($0.count)) }
        } ?? mysql_real_query(handle, sql, UInt(sql.utf8.count))
        if status != 0 { throw error(.query, sql: sql) }
    }

    /// Connector/C reports a connection cut mid-result as whatever its last read met: "Lost connection"
    /// (2013), "server has gone away" (2006), or over TLS "TLS/SSL error: unexpected eof" (2026), which reads
    /// like a TLS problem. Each is reported as what it is.
    private func streamError(sql: String) -> MariaDBError {
        var failure = error(.stream, sql: sql)
        if [2006, 2013, 2026, 2055].contains(failure.errorNumber) {
            failure.code = .connectionLost
            failure.message = "the connection was closed while a result was being read (by the server, e.g. a KILL or a "
                + "restart, or by the network); the client library said: \(failure.message)"
        }
        return failure
    }

    private func error(_ code: MariaDBError.Code, prefix: String? = nil, sql: String? = nil) -> MariaDBError {
        var message = String(cString: mysql_error(handle))
        if let prefix { message = "\(prefix): \(message)" }
        return MariaDBError(
            code: code, errorNumber: mysql_errno(handle), sqlState: String(cString: mysql_sqlstate(handle)),
            message: message, endpoint: configuration.endpoint, sql: sql)
    }
}
