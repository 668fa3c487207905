/// Everything needed to open a connection to the target.
///
/// Either a `postgresql://` URL or separate fields. A field left `nil` is not passed to libpq, so libpq's
/// own environment variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`, ...)
/// and `~/.pgpass` keep working.
public struct PostgresConfiguration: Sendable {
    public var url: String?
    public var host: String?
    public var port: Int?
    public var user: String?
    public var password: String?
    public var database: String?
    public var sslmode: String?
    public var sslrootcert: String?
    /// Seconds.
    public var connectTimeout: Int
    public var applicationName: String

    public init(
        url: String? = nil, host: String? = nil, port: Int? = nil, user: String? = nil, password: String? = nil,
        database: String? = nil, sslmode: String? = nil, sslrootcert: String? = nil, connectTimeout: Int = 10,
        applicationName: String = "s2pg"
    ) {
        self.url = url
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslmode = sslmode
        self.sslrootcert = sslrootcert
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
    }

    /// libpq keyword/value pairs, in the order `PQconnectdbParams` reads them: the URL first, so that an
    /// explicit password (from `S2PG_TARGET_PASSWORD`) overrides one inside it.
    var parameters: [(String, String)] {
        var pairs: [(String, String)] = []
        if let url { pairs.append(("dbname", url)) }
        if let host { pairs.append(("host", host)) }
        if let port { pairs.append(("port", String(port))) }
        if let user { pairs.append(("user", user)) }
        if let password { pairs.append(("password", password)) }
        if let database { pairs.append(("dbname", database)) }
        if let sslmode { pairs.append(("sslmode", sslmode)) }
        if let sslrootcert { pairs.append(("sslrootcert", sslrootcert)) }
        pairs.append(("connect_timeout", String(connectTimeout)))
        pairs.append(("application_name", applicationName))
        return pairs
    }
}
