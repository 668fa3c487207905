import Foundation
import MariaDBClient
import Testing

@testable import S2PGCore

@Suite("Configuration")
struct ConfigurationTests {
    static let file = "test.json"

    static func parse(_ text: String, environment: [String: String] = [:]) throws(ConfigurationError) -> Configuration {
        try Configuration.parse(Data(text.utf8), file: file, environment: environment)
    }

    static let minimalSource = #""host": "db.example", "user": "reader", "database": "shop""#

    @Test("the minimal file gets every documented default")
    func defaults() throws {
        let config = try Self.parse(#"{"source": {\#(Self.minimalSource)}}"#)
        let source = config.source.connection
        #expect(source.host == "db.example")
        #expect(source.port == 3306)
        #expect(source.user == "reader")
        #expect(source.password == nil)
        #expect(source.database == "shop")
        #expect(source.tls == .preferred)
        #expect(source.tlsCA == nil)
        let target = config.target.connection
        #expect(target.url == nil)
        #expect(target.host == "127.0.0.1")
        #expect(target.port == 5432)
        #expect(target.user == "postgres")
        #expect(target.database == "mirror")
        #expect(target.sslmode == "prefer")
        #expect(config.target.schema == "public")
        #expect(config.target.stateSchema == "s2pg")
        #expect(config.sync.updatedAtColumn == "updated_at")
        // Every row by default: no start, rows with a NULL updated_at included.
        #expect(config.sync.initialSyncStart == nil)
        #expect(config.sync.windowHours == 6)
        #expect(config.sync.batchRows == 10_000)
        #expect(config.sync.lookbackSeconds == 0)
        #expect(config.sync.settleDelaySeconds == 5)
        #expect(config.sync.maxHoldSeconds == 600)
        #expect(config.sync.deletesIntervalSeconds == 300)
        #expect(config.sync.fullCompareIntervalSeconds == 86_400)
        #expect(config.sync.tables.isEmpty)
        #expect(config.sync.excludeTables.isEmpty)
        #expect(config.sync.parallelTables == 2)
        #expect(config.sync.keys.isEmpty)
        #expect(!config.sync.tinyint1AsBoolean)
        #expect(config.sync.catalogRefreshSeconds == 300)
    }

    @Test("the repository's configuration.json is valid")
    func exampleFile() throws {
        // Tests/S2PGCoreTests/Config/ConfigurationTests.swift
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let config = try Configuration.load(file: root.appendingPathComponent("configuration.json").path, environment: [:])
        #expect(config.source.connection.database == "shop")
        #expect(config.target.connection.database == "mirror")
    }

    @Test("every field of the documented schema is read")
    func fullFile() throws {
        let config = try Self.parse(
            #"""
            {"source": {"host": "h", "port": 3307, "user": "u", "password": "p", "database": "d", "tls": "required",
                        "tls_ca": null, "connect_timeout": 3, "read_timeout": 30, "write_timeout": 40},
             "target": {"host": "pg", "port": 5433, "user": "pu", "password": "pp", "database": "m", "schema": "mirror",
                        "state_schema": "state", "sslmode": "require", "sslrootcert": "/ca.pem", "connect_timeout": 4},
             "sync": {"updated_at_column": "modified", "initial_sync_start": "2024-02-29 23:59:59.5", "window_hours": 24,
                      "batch_rows": 500, "lookback_seconds": 60, "tables": ["a", "b"], "exclude_tables": ["c"],
                      "parallel_tables": 4, "keys": {"events": ["id", "at"]}, "tinyint1_as_boolean": true,
                      "deletes": "soft", "deletes_interval": "1h", "max_delete_fraction": 0.25,
                      "catalog_refresh": "0s", "copy_format": "text", "parallel_streams": 4, "worker_lease": "2m",
                      "full_compare_interval": "0s", "settle_delay": "30s", "max_hold": "1h"},
             "metrics": {"listen": "[::1]:9187"}}
            """#)
        #expect(config.metricsListen == ListenAddress("[::1]:9187"))
        #expect(config.metricsListen?.host == "::1")
        #expect(config.metricsListen?.description == "[::1]:9187")
        #expect(config.source.connection.port == 3307)
        #expect(config.source.connection.password == "p")
        #expect(config.source.connection.tls == .required)
        #expect(config.source.connection.connectTimeout == 3)
        #expect(config.source.connection.readTimeout == 30)
        #expect(config.source.connection.writeTimeout == 40)
        #expect(config.target.connection.host == "pg")
        #expect(config.target.connection.port == 5433)
        #expect(config.target.connection.password == "pp")
        #expect(config.target.connection.sslmode == "require")
        #expect(config.target.connection.sslrootcert == "/ca.pem")
        #expect(config.target.connection.connectTimeout == 4)
        #expect(config.target.schema == "mirror")
        #expect(config.target.stateSchema == "state")
        #expect(config.sync.updatedAtColumn == "modified")
        #expect(config.sync.initialSyncStart?.description == "2024-02-29 23:59:59.500000")
        #expect(config.sync.fullCompareIntervalSeconds == 0)
        #expect(config.sync.settleDelaySeconds == 30)
        #expect(config.sync.maxHoldSeconds == 3600)
        #expect(config.sync.windowHours == 24)
        #expect(config.sync.batchRows == 500)
        #expect(config.sync.lookbackSeconds == 60)
        #expect(config.sync.tables == ["a", "b"])
        #expect(config.sync.excludeTables == ["c"])
        #expect(config.sync.parallelTables == 4)
        #expect(config.sync.keys == ["events": ["id", "at"]])
        #expect(config.sync.tinyint1AsBoolean)
        #expect(!config.sync.binaryCopy)
        #expect(config.sync.parallelStreams == 4)
        #expect(config.sync.workerLeaseSeconds == 120)
        #expect(config.sync.deletes == .soft)
        #expect(config.sync.deletesIntervalSeconds == 3600)
        #expect(config.sync.maxDeleteFraction == 0.25)
        #expect(config.sync.catalogRefreshSeconds == 0)
    }

    /// A file and the exact error it must produce.
    struct Rejection: Sendable, CustomTestStringConvertible {
        var json: String
        var error: String
        var testDescription: String { error }
    }

    static let rejections: [Rejection] = [
        .init(json: "{", error: "test.json: not valid JSON"),
        .init(json: "[]", error: "test.json: expected a JSON object, got an array"),
        .init(json: #"{"target": {}}"#, error: "test.json: source: is required"),
        .init(json: #"{"source": {"user": "u", "database": "d"}}"#, error: "test.json: source.host: is required"),
        .init(json: #"{"source": {"host": "h", "database": "d"}}"#, error: "test.json: source.user: is required"),
        .init(json: #"{"source": {"host": "h", "user": "u"}}"#, error: "test.json: source.database: is required"),
        .init(json: #"{"source": {"host": "", "user": "u", "database": "d"}}"#,
              error: "test.json: source.host: must not be empty"),
        .init(json: #"{"source": {\#(minimalSource), "hots": "x"}}"#,
              error: "test.json: source.hots: unknown key (allowed here: connect_timeout, database, host, password, port, read_timeout, time_zone, tls, tls_ca, user, write_timeout)"),
        .init(json: #"{"source": {\#(minimalSource)}, "sink": {}}"#,
              error: "test.json: sink: unknown key (allowed here: metrics, source, sync, target)"),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"window_hour": 1, "batchrows": 2}}"#,
              error: "test.json: sync.batchrows: unknown keys sync.batchrows, sync.window_hour (allowed here: batch_rows, catalog_refresh, copy_format, deletes, deletes_interval, exclude_tables, full_compare_interval, initial_sync_start, keys, lookback_seconds, max_delete_fraction, max_hold, parallel_streams, parallel_tables, settle_delay, tables, tinyint1_as_boolean, updated_at_column, window_hours, worker_lease)"),
        .init(json: #"{"source": {\#(minimalSource), "port": "3306"}}"#,
              error: #"test.json: source.port: expected an integer from 1 to 65535, got "3306" (a string)"#),
        .init(json: #"{"source": {\#(minimalSource), "port": 70000}}"#,
              error: "test.json: source.port: expected an integer from 1 to 65535, got 70000 (an integer)"),
        .init(json: #"{"source": {\#(minimalSource), "port": 33.5}}"#,
              error: "test.json: source.port: expected an integer from 1 to 65535, got 33.5 (a number)"),
        .init(json: #"{"source": {\#(minimalSource), "tls": "yes"}}"#,
              error: #"test.json: source.tls: expected one of "disabled", "preferred", "required", "verify-ca", "verify-identity", got "yes""#),
        .init(json: #"{"source": {\#(minimalSource), "tls": true}}"#,
              error: "test.json: source.tls: expected a string, got true (a boolean)"),
        .init(json: #"{"source": {\#(minimalSource), "tls_ca": "/no/such/ca.pem"}}"#,
              error: #"test.json: source.tls_ca: file "/no/such/ca.pem" does not exist"#),
        .init(json: #"{"source": {\#(minimalSource), "password": 12345}}"#,
              error: "test.json: source.password: expected a string, got a number"),
        .init(json: #"{"source": {\#(minimalSource)}, "target": {"sslmode": "on"}}"#,
              error: #"test.json: target.sslmode: expected one of "disable", "allow", "prefer", "require", "verify-ca", "verify-full", got "on""#),
        .init(json: #"{"source": {\#(minimalSource)}, "target": {"url": "mysql://u@h/d"}}"#,
              error: "test.json: target.url: expected a URL starting with postgresql:// or postgres://"),
        .init(json: #"{"source": {\#(minimalSource)}, "target": {"url": "postgresql://u:s3cr%zzet@h/d"}}"#,
              error: #"test.json: target.url: not a valid PostgreSQL URL: invalid percent-encoded token: "***""#),
        .init(json: #"{"source": {\#(minimalSource)}, "target": {"url": "postgresql://h/d?colour=red"}}"#,
              error: #"test.json: target.url: not a valid PostgreSQL URL: invalid URI query parameter: "colour""#),
        .init(json: #"{"source": {\#(minimalSource)}, "target": {"url": "postgresql://h/d", "host": "x"}}"#,
              error: "test.json: target.host: cannot be combined with target.url: put it in the URL instead"),
        .init(json: #"{"source": {\#(minimalSource)}, "target": {"url": 5}}"#,
              error: "test.json: target.url: expected a string, got a number"),
        .init(json: #"{"source": {\#(minimalSource)}, "target": {"schema": ""}}"#,
              error: #"test.json: target.schema: expected a schema name of 1 to 63 bytes, got """#),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"initial_sync_start": "2025-02-29 00:00:00"}}"#,
              error: #"test.json: sync.initial_sync_start: expected a date and time as "YYYY-MM-DD HH:MM:SS[.ffffff]", got "2025-02-29 00:00:00""#),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"window_hours": 0}}"#,
              error: "test.json: sync.window_hours: expected an integer from 1 to 8784, got 0 (an integer)"),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"tables": ["a", 1]}}"#,
              error: "test.json: sync.tables[1]: expected a string, got 1 (an integer)"),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"tables": "orders"}}"#,
              error: #"test.json: sync.tables: expected an array of strings, got "orders" (a string)"#),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"keys": {"events": []}}}"#,
              error: "test.json: sync.keys.events: expected a non-empty array of column names"),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"keys": ["id"]}}"#,
              error: "test.json: sync.keys: expected an object, got an array"),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"tinyint1_as_boolean": "yes"}}"#,
              error: #"test.json: sync.tinyint1_as_boolean: expected true or false, got "yes" (a string)"#),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"deletes": "yes"}}"#,
              error: #"test.json: sync.deletes: expected "hard", "soft" or "off", got "yes""#),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"deletes_interval": "soon"}}"#,
              error: #"test.json: sync.deletes_interval: expected a duration such as "0s", "90s", "5m" or "1h", got "soon""#),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"catalog_refresh": "-5m"}}"#,
              error: #"test.json: sync.catalog_refresh: expected a duration such as "0s", "90s", "5m" or "1h", got "-5m""#),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"copy_format": "csv"}}"#,
              error: #"test.json: sync.copy_format: expected "binary" or "text", got "csv""#),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"parallel_streams": 0}}"#,
              error: "test.json: sync.parallel_streams: expected an integer from 1 to 64, got 0 (an integer)"),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"worker_lease": "0s"}}"#,
              error: #"test.json: sync.worker_lease: expected a duration of a second or more such as "10s", "30s" or "2m", got "0s""#),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": {"max_delete_fraction": 2}}"#,
              error: "test.json: sync.max_delete_fraction: expected a number from 0 to 1, got 2 (an integer)"),
        .init(json: #"{"source": {\#(minimalSource)}, "metrics": {"listen": "9187"}}"#,
              error: #"test.json: metrics.listen: expected a host and port such as "127.0.0.1:9187", got "9187""#),
        .init(json: #"{"source": {\#(minimalSource)}, "metrics": {"port": 9187}}"#,
              error: "test.json: metrics.port: unknown key (allowed here: listen)"),
        .init(json: #"{"source": {\#(minimalSource)}, "sync": []}"#,
              error: "test.json: sync: expected an object, got an array"),
        .init(json: #"{"host": "h", "user": "u", "database": "d", "pasword": "x"}"#,
              error: "test.json: pasword: unknown key (allowed here: connect_timeout, database, host, password, port, read_timeout, time_zone, tls, tls_ca, user, write_timeout)"),
    ]

    @Test("a bad file is rejected naming the key and the problem", arguments: rejections)
    func rejection(_ case_: Rejection) {
        #expect {
            try Self.parse(case_.json)
        } throws: { error in
            let text = (error as? ConfigurationError)?.description ?? "\(error)"
            return text == case_.error || (case_.error == "test.json: not valid JSON" && text.hasPrefix(case_.error))
        }
    }

    @Test("a password in the URL never appears in an error")
    func urlPasswordHidden() {
        let json = #"{"source": {\#(Self.minimalSource)}, "target": {"url": "postgresql://u:hunter2@[::1/d"}}"#
        do {
            _ = try Self.parse(json)
            Issue.record("the URL was accepted")
        } catch {
            #expect(error.description.contains("target.url"))
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test("passwords from the environment win over the file's")
    func environmentPasswords() throws {
        let json = #"{"source": {\#(Self.minimalSource), "password": "file-src"}, "target": {"password": "file-dst"}}"#
        let fromFile = try Self.parse(json)
        #expect(fromFile.source.connection.password == "file-src")
        #expect(fromFile.target.connection.password == "file-dst")
        let fromEnvironment = try Self.parse(
            json, environment: ["S2PG_SOURCE_PASSWORD": "env-src", "S2PG_TARGET_PASSWORD": "env-dst"])
        #expect(fromEnvironment.source.connection.password == "env-src")
        #expect(fromEnvironment.target.connection.password == "env-dst")
    }

    @Test("a target URL is passed to libpq with the environment's password")
    func targetURL() throws {
        let config = try Self.parse(
            #"{"source": {\#(Self.minimalSource)}, "target": {"url": "postgresql://app@pg.example:6432/mirror", "schema": "m"}}"#,
            environment: ["S2PG_TARGET_PASSWORD": "pw"])
        #expect(config.target.connection.url == "postgresql://app@pg.example:6432/mirror")
        #expect(config.target.connection.host == nil)
        #expect(config.target.connection.password == "pw")
        #expect(config.target.schema == "m")
    }

    @Test("the seed connector's flat file is the source; the target comes from libpq's environment")
    func seedFlatFormat() throws {
        let json = #"{"host": "s2.example", "port": 3306, "user": "fivetran_user", "password": "pw", "database": "shop"}"#
        let config = try Self.parse(
            json, environment: ["PGHOST": "pg.example", "PGDATABASE": "warehouse", "PGUSER": "loader"])
        #expect(config.source.connection.host == "s2.example")
        #expect(config.source.connection.user == "fivetran_user")
        #expect(config.source.connection.password == "pw")
        #expect(config.source.connection.database == "shop")
        // Left to libpq, which reads PGHOST/PGDATABASE/PGUSER itself.
        #expect(config.target.connection.host == nil)
        #expect(config.target.connection.database == nil)
        #expect(config.target.connection.user == nil)
        // No PGPORT: s2pg's default.
        #expect(config.target.connection.port == 5432)
        #expect(config.sync.windowHours == 6)
    }

    @Test("a missing file is named")
    func missingFile() {
        #expect(throws: ConfigurationError(file: "/no/such.json", key: nil, problem: "the configuration file does not exist")) {
            try Configuration.load(file: "/no/such.json", environment: [:])
        }
    }
}
