import Foundation
import MariaDBClient

/// The `source` object: the SingleStore (or MySQL-compatible) database to replicate.
public struct SourceConfiguration: Sendable {
    public var connection: MariaDBConfiguration
    /// The zone DATETIME cursor columns are written in, when it is not the server's own
    /// (`'+02:00'`, or a named zone the server knows).
    public var timeZone: String?

    public init(connection: MariaDBConfiguration, timeZone: String? = nil) {
        self.connection = connection
        self.timeZone = timeZone
    }

    init(reading object: inout ConfigurationObject, environment: [String: String]) throws(ConfigurationError) {
        let host = try object.requiredString("host")
        let user = try object.requiredString("user")
        let database = try object.requiredString("database")
        let filePassword = try object.string("password")
        let tls = try object.choice("tls", as: MariaDBTLSMode.self) ?? .preferred
        let tlsCA = try object.string("tls_ca")
        timeZone = try object.string("time_zone")
        if let tlsCA, !FileManager.default.fileExists(atPath: tlsCA) {
            throw object.error("tls_ca", "file \"\(tlsCA)\" does not exist")
        }
        connection = MariaDBConfiguration(
            host: host,
            port: try object.integer("port", in: 1...65535) ?? 3306,
            user: user,
            password: environment[Configuration.sourcePasswordVariable] ?? filePassword,
            database: database,
            connectTimeout: try object.integer("connect_timeout", in: 1...3600) ?? 10,
            readTimeout: try object.integer("read_timeout", in: 1...86400) ?? 3600,
            writeTimeout: try object.integer("write_timeout", in: 1...86400) ?? 3600,
            tls: tls,
            tlsCA: tlsCA)
        try object.rejectUnknownKeys()
    }
}
