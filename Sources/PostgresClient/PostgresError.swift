import ClientSupport

/// An error from the PostgreSQL side.
///
/// It carries the SQLSTATE, the server's message and the SQL that failed, never the values bound to `$n`
/// parameters nor a password (libpq's own messages name the user, not the password).
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, in the broad sense a caller can act on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The connection could not be established (network, authentication, TLS, bad URL).
        public static let connection = Code("connection")
        /// The server rejected or failed a statement.
        public static let query = Code("query")
        /// A `COPY ... FROM STDIN` failed.
        public static let copy = Code("copy")
        /// The connection broke or returned something unexpected.
        public static let connectionLost = Code("connection lost")
    }

    public var code: Code
    /// SQLSTATE (`23505`, `42P01`, ...), or empty when the error is the client's.
    public var sqlState: String
    public var message: String
    /// The server's DETAIL and HINT fields, when it sent them. DETAIL is left out of `description`: it often
    /// quotes row values (`Key (id)=(42) already exists`, `Failing row contains (...)`).
    public var detail: String?
    public var hint: String?
    /// `host:port` of the server, when known.
    public var endpoint: String?
    /// The statement that failed, if any.
    public var sql: String?

    public init(
        code: Code, sqlState: String = "", message: String, detail: String? = nil, hint: String? = nil,
        endpoint: String? = nil, sql: String? = nil
    ) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.endpoint = endpoint
        self.sql = sql
    }

    public var description: String {
        var text = "PostgreSQL"
        if let endpoint { text += " \(endpoint)" }
        text += ": "
        if !sqlState.isEmpty { text += "ERROR \(sqlState): " }
        text += message
        if let hint { text += "\n  HINT: \(hint)" }
        if let sql { text += "\n  in SQL: \(sql.abbreviatedSQL)" }
        return text
    }

    /// The server quotes offending values in its messages ("invalid input syntax for type integer: \"...\"");
    /// a bound value is replaced there by its placeholder (`$1`). Values under four characters are left,
    /// as they would match ordinary words and numbers of the message rather than hide anything.
    func redacting(_ parameters: [String?]) -> PostgresError {
        var redacted = self
        let hidden = parameters.enumerated()
            .compactMap { index, value in value.map { (placeholder: "$\(index + 1)", value: $0) } }
            .filter { $0.value.count >= 4 }
            .sorted { $0.value.count > $1.value.count }
        for (placeholder, value) in hidden {
            redacted.message = redacted.message.replacing(value, with: placeholder)
            redacted.detail = redacted.detail?.replacing(value, with: placeholder)
            redacted.hint = redacted.hint?.replacing(value, with: placeholder)
        }
        return redacted
    }
}
