import ClientSupport

/// An error from the MariaDB/SingleStore side.
///
/// It carries the server's error number and SQLSTATE, the message and the SQL that failed with its literals
/// (cursor and key values) redacted, never passwords: s2pg sends no password in SQL, and the server's
/// "Access denied" message only says whether one was used.
public struct MariaDBError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, in the broad sense a caller can act on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Connector/C could not be initialised.
        public static let library = Code("library")
        /// The connection could not be established (network, authentication, TLS).
        public static let connection = Code("connection")
        /// The server rejected or failed a statement.
        public static let query = Code("query")
        /// The connection failed while a result was being streamed.
        public static let stream = Code("stream")
        /// The connection was cut (the server's `KILL`, a restart, the network) while a result was streamed.
        public static let connectionLost = Code("connection lost")
    }

    public var code: Code
    /// `mysql_errno`: the server's or client library's error number (1045, 2002, ...); 0 when s2pg raised it.
    public var errorNumber: UInt32
    public var sqlState: String
    public var message: String
    /// `host:port` of the server.
    public var endpoint: String?
    /// The statement that failed, if any.
    public var sql: String?

    public init(
        code: Code, errorNumber: UInt32 = 0, sqlState: String = "HY000", message: String,
        endpoint: String? = nil, sql: String? = nil
    ) {
        self.code = code
        self.errorNumber = errorNumber
        self.sqlState = sqlState
        self.message = message
        self.endpoint = endpoint
        self.sql = sql
    }

    public var description: String {
        var text = "MariaDB"
        if let endpoint { text += " \(endpoint)" }
        text += ": "
        if errorNumber != 0 { text += "ERROR \(errorNumber) (\(sqlState)): " }
        text += message
        if let sql { text += "\n  in SQL: \(sql.redactedSQL(backslashEscapes: true).abbreviatedSQL)" }
        return text
    }
}
