/// Everything needed to open a connection to the source.
public struct MariaDBConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String?
    /// Seconds; Connector/C applies each to one socket operation.
    public var connectTimeout: Int
    public var readTimeout: Int
    public var writeTimeout: Int
    public var tls: MariaDBTLSMode
    /// PEM file of the certificate authority, for the `verify-*` modes.
    public var tlsCA: String?
    /// The zone every session asks for. SingleStore ignores the request and stays in the server's zone,
    /// so s2pg reads back what a session got (`SourceZone`); tests ask MariaDB for another zone to be in
    /// that situation.
    public var sessionTimeZone = "+00:00"

    public init(
        host: String, port: Int = 3306, user: String, password: String? = nil, database: String? = nil,
        connectTimeout: Int = 10, readTimeout: Int = 3600, writeTimeout: Int = 3600,
        tls: MariaDBTLSMode = .preferred, tlsCA: String? = nil
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.writeTimeout = writeTimeout
        self.tls = tls
        self.tlsCA = tlsCA
    }

    /// `host:port`, for messages.
    public var endpoint: String { "\(host):\(port)" }
}
