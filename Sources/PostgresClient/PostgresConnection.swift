import CLibPQ
import ClientSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection.
///
/// The actor owns the `PGconn` handle (finished in `deinit`) and runs on its own serial queue, so blocking
/// libpq calls never sit on Swift's cooperative pool.
public actor PostgresConnection {
    private let executor: DispatchQueueExecutor
    private let handle: OpaquePointer
    /// `host:port` as libpq resolved it (from the fields, the URL or `PG*` variables).
    public nonisolated let endpoint: String

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Opens a connection; fails with `.connection` naming `host:port` when the server cannot be reached or
    /// refuses the login.
    public static func connect(_ configuration: PostgresConfiguration) async throws(PostgresError) -> PostgresConnection {
        // The blocking connect runs on a queue of its own too, never on the cooperative pool.
        let executor = DispatchQueueExecutor(label: "s2pg.postgres")
        let handle = await Connector(executor: executor).connect(configuration)
        let endpoint = Self.endpoint(of: handle.pointer)
        guard PQstatus(handle.pointer) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(handle.pointer))
            PQfinish(handle.pointer)
            throw PostgresError(
                code: .connection, message: "cannot connect to \(endpoint): \(message)", endpoint: endpoint)
        }
        // Notices ("relation already exists, skipping") would go to stderr; s2pg reports what matters itself.
        PQsetNoticeProcessor(handle.pointer, { _, _ in }, nil)
        let connection = PostgresConnection(handle: handle.pointer, executor: executor, endpoint: endpoint)
        // Values come back as text and are parsed and compared as such: their formats are fixed here, whatever
        // the server's, the database's or the role's settings or PGDATESTYLE, PGTZ and PGOPTIONS would choose.
        // UTC, because s2pg writes timestamptz values as UTC text (a reload's COPY among them).
        try await connection.execute(
            "SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1; SET TimeZone = 'UTC'")
        return connection
    }

    private init(handle: OpaquePointer, executor: DispatchQueueExecutor, endpoint: String) {
        self.handle = handle
        self.executor = executor
        self.endpoint = endpoint
    }

    // Isolated: closing sends a goodbye to the server, a blocking call that belongs on the queue too.
    isolated deinit {
        PQfinish(handle)
    }

    /// The server's `server_version` (`15.20 (Debian 15.20-0+deb12u1)`).
    public var serverVersion: String {
        PQparameterStatus(handle, "server_version").map { String(cString: $0) } ?? "unknown"
    }

    /// Whether the connection is encrypted.
    public var usesTLS: Bool { PQsslInUse(handle) == 1 }

    /// Runs one or more statements without parameters (`PQexec`); returns the last one's rows.
    @discardableResult
    public func execute(_ sql: String) throws(PostgresError) -> PostgresRows {
        try rows(of: PQexec(handle, sql), sql: sql)
    }

    /// Runs one statement with `$1`, `$2`, ... bound to `parameters` as text (`nil` is NULL).
    /// Values travel separately from the SQL, so they never need quoting and never appear in errors.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?]) throws(PostgresError) -> PostgresRows {
        var owned = parameters.map { $0.map { strdup($0)! } }
        defer { owned.forEach { free($0) } }
        let result = owned.withUnsafeMutableBufferPointer { values in
            values.withMemoryRebound(to: UnsafePointer<CChar>?.self) { values in
                PQexecParams(handle, sql, Int32(values.count), nil, values.baseAddress, nil, nil, 0)
            }
        }
        do {
            return try rows(of: result, sql: sql)
        } catch {
            throw error.redacting(parameters)
        }
    }

    /// Runs `body` inside `BEGIN` ... `COMMIT`; rolls back and rethrows if it throws.
    public func transaction<T: Sendable>(
        _ body: @Sendable (isolated PostgresConnection) throws -> T
    ) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `COPY ... FROM STDIN` (`sql`), with `produce` writing the data. Returns the rows copied.
    /// If `produce` throws, the COPY is aborted (nothing of it is kept) and its error is rethrown.
    @discardableResult
    public func copy(_ sql: String, _ produce: (borrowing PostgresCopyWriter) throws -> Void) throws -> Int {
        try beginCopy(sql)
        do {
            try produce(PostgresCopyWriter(handle: handle))
        } catch {
            _ = try? endCopy(aborting: true)
            throw error
        }
        return try endCopy()
    }

    /// The COPY `beginCopy` started and `endCopy` has not ended.
    private var copying: String?

    /// Whether a COPY `beginCopy` started is still open.
    public var isCopying: Bool { copying != nil }

    /// Starts `COPY ... FROM STDIN` (`sql`) for data that arrives over several calls: `writeCopy` sends it,
    /// `endCopy` finishes. Nothing else may run on the connection in between.
    public func beginCopy(_ sql: String) throws(PostgresError) {
        let start = PQexec(handle, sql)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            throw failure(of: start, code: .copy, sql: sql)
        }
        PQclear(start)
        copying = sql
    }

    /// Rolls back the transaction in progress, aborting first a COPY `beginCopy` left open (the server takes
    /// no other statement during one).
    public func rollback() throws(PostgresError) {
        if copying != nil { _ = try? endCopy(aborting: true) }
        try execute("ROLLBACK")
    }

    /// Sends COPY data of the COPY `beginCopy` started, in pieces that need not align with rows.
    public func writeCopy(_ bytes: [UInt8]) throws(PostgresError) {
        try PostgresCopyWriter(handle: handle).write(bytes)
    }

    /// Ends the COPY `beginCopy` started: returns the rows copied, or throws the server's error (a value it
    /// refused, say). With `aborting`, nothing of it is kept.
    @discardableResult
    public func endCopy(aborting: Bool = false) throws(PostgresError) -> Int {
        let sql = copying ?? "COPY"
        copying = nil
        let ended = PQputCopyEnd(handle, aborting ? "COPY aborted by s2pg" : nil)
        var outcome: Result<PostgresRows, PostgresError> = .failure(
            PostgresError(code: .copy, message: Self.trimmed(PQerrorMessage(handle)), endpoint: endpoint, sql: sql))
        if ended == 1 {
            while let result = PQgetResult(handle) {
                outcome = Result { () throws(PostgresError) in try rows(of: result, sql: sql, code: .copy) }
            }
        }
        return try outcome.get().affectedRows
    }

    /// Runs `body` isolated to this connection, for several calls in a row without hopping queues.
    public func run<T: Sendable>(_ body: @Sendable (isolated PostgresConnection) throws -> T) rethrows -> T {
        try body(self)
    }

    private func rows(of result: OpaquePointer?, sql: String, code: PostgresError.Code = .query) throws(PostgresError) -> PostgresRows {
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw failure(of: result, code: code, sql: sql)
        }
        defer { PQclear(result) }
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let rows = (0..<PQntuples(result)).map { row in
            (0..<columnCount).map { column -> String? in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresRows(columns: columns, rows: rows, affectedRows: affected)
    }

    /// Builds the error for a failed result and frees it.
    private func failure(of result: OpaquePointer?, code: PostgresError.Code, sql: String) -> PostgresError {
        defer { PQclear(result) }
        func field(_ name: Character) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(name.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let lost = PQstatus(handle) != CONNECTION_OK
        return PostgresError(
            code: lost ? .connectionLost : code, sqlState: field("C") ?? "",
            message: field("M") ?? Self.trimmed(PQerrorMessage(handle)), detail: field("D"), hint: field("H"),
            endpoint: endpoint, sql: sql)
    }

    private static func endpoint(of handle: OpaquePointer) -> String {
        let host = PQhost(handle).map { String(cString: $0) } ?? ""
        let port = PQport(handle).map { String(cString: $0) } ?? ""
        return "\(host.isEmpty ? "localhost" : host):\(port.isEmpty ? "5432" : port)"
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        var text = String(cString: message)
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}

/// Performs the blocking `PQconnectdbParams` on the connection's own queue.
private actor Connector {
    private let executor: DispatchQueueExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(executor: DispatchQueueExecutor) {
        self.executor = executor
    }

    /// Always returns a handle (libpq allocates one even on failure); the caller checks its status.
    func connect(_ configuration: PostgresConfiguration) -> SendableHandle {
        let parameters = configuration.parameters
        var keywords: [UnsafePointer<CChar>?] = parameters.map { UnsafePointer(strdup($0.0)) } + [nil]
        var values: [UnsafePointer<CChar>?] = parameters.map { UnsafePointer(strdup($0.1)) } + [nil]
        defer {
            keywords.forEach { free(UnsafeMutablePointer(mutating: $0)) }
            values.forEach { free(UnsafeMutablePointer(mutating: $0)) }
        }
        return SendableHandle(pointer: PQconnectdbParams(&keywords, &values, 1))
    }
}

/// A `PGconn` handed from the connecting queue to its owning actor, never used by both at once.
struct SendableHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
