import PostgresClient

/// The `target` object: the PostgreSQL database that holds the mirror and s2pg's state.
public struct TargetConfiguration: Sendable {
    /// libpq's `sslmode` values.
    public enum SSLMode: String, CaseIterable, Sendable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var connection: PostgresConfiguration
    /// Where the mirrored tables are created.
    public var schema: String
    /// Where s2pg keeps its migrations ledger and per-table state.
    public var stateSchema: String

    public init(connection: PostgresConfiguration, schema: String = "public", stateSchema: String = "s2pg") {
        self.connection = connection
        self.schema = schema
        self.stateSchema = stateSchema
    }

    init(reading object: inout ConfigurationObject, environment: [String: String]) throws(ConfigurationError) {
        let connectTimeout = try object.integer("connect_timeout", in: 1...3600) ?? 10
        schema = try Self.schemaName(&object, "schema") ?? "public"
        stateSchema = try Self.schemaName(&object, "state_schema") ?? "s2pg"
        let password = environment[Configuration.targetPasswordVariable]

        if let url = try object.string("url") {
            guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") else {
                throw object.error("url", "expected a URL starting with postgresql:// or postgres://")
            }
            if let problem = PostgresURL.problem(in: url) {
                throw object.error("url", "not a valid PostgreSQL URL: \(problem)")
            }
            let fields = ["host", "port", "user", "password", "database", "sslmode", "sslrootcert"]
            if let clash = fields.first(where: object.keys.contains) {
                throw object.error(clash, "cannot be combined with target.url: put it in the URL instead")
            }
            connection = PostgresConfiguration(url: url, password: password, connectTimeout: connectTimeout)
            try object.rejectUnknownKeys()
            return
        }

        // A field missing from the file is left to libpq when its PG* variable is set, else gets s2pg's default.
        func fallback<T>(_ value: T?, _ variables: [String], _ defaultValue: T) -> T? {
            if let value { return value }
            return variables.contains { environment[$0] != nil } ? nil : defaultValue
        }
        let filePassword = try object.string("password")
        connection = PostgresConfiguration(
            host: fallback(try object.string("host"), ["PGHOST", "PGHOSTADDR"], "127.0.0.1"),
            port: fallback(try object.integer("port", in: 1...65535), ["PGPORT"], 5432),
            user: fallback(try object.string("user"), ["PGUSER"], "postgres"),
            password: password ?? filePassword,
            database: fallback(try object.string("database"), ["PGDATABASE"], "mirror"),
            sslmode: fallback(try object.choice("sslmode", as: SSLMode.self)?.rawValue, ["PGSSLMODE"], "prefer"),
            sslrootcert: try object.string("sslrootcert"),
            connectTimeout: connectTimeout)
        try object.rejectUnknownKeys()
    }

    private static func schemaName(_ object: inout ConfigurationObject, _ key: String) throws(ConfigurationError) -> String? {
        guard let name = try object.string(key) else { return nil }
        guard !name.isEmpty, name.utf8.count <= 63 else {
            throw object.error(key, "expected a schema name of 1 to 63 bytes, got \"\(name)\"")
        }
        return name
    }
}
