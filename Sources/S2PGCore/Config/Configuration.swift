import Foundation

/// The whole of `configuration.json`: where to read, where to write, how to sync.
///
/// Two shapes are accepted: s2pg's own (`source`, `target`, `sync` objects) and the seed Fivetran
/// connector's flat one (`host`, `port`, `user`, `password`, `database` at the top level), which describes
/// the source only; the target then comes from libpq's environment (`PGHOST`, `PGDATABASE`, ...).
public struct Configuration: Sendable {
    public var source: SourceConfiguration
    public var target: TargetConfiguration
    public var sync: SyncConfiguration
    /// `metrics.listen`: where `s2pg run` serves its metrics and health probes (`--metrics` wins).
    public var metricsListen: ListenAddress?

    /// Environment variables whose value wins over the file's password.
    public static let sourcePasswordVariable = "S2PG_SOURCE_PASSWORD"
    public static let targetPasswordVariable = "S2PG_TARGET_PASSWORD"

    public init(source: SourceConfiguration, target: TargetConfiguration, sync: SyncConfiguration) {
        self.source = source
        self.target = target
        self.sync = sync
    }

    /// Reads and checks a configuration file.
    public static func load(
        file: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> Configuration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            let reason = FileManager.default.fileExists(atPath: file) ? "cannot be read" : "does not exist"
            throw ConfigurationError(file: file, key: nil, problem: "the configuration file \(reason)")
        }
        return try parse(data, file: file, environment: environment)
    }

    /// Checks configuration text; `file` names it in errors.
    public static func parse(
        _ data: Data, file: String, environment: [String: String]
    ) throws(ConfigurationError) -> Configuration {
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ConfigurationError(file: file, key: nil, problem: "not valid JSON (\(Self.reason(error)))")
        }
        guard case .object(let members) = json else {
            throw ConfigurationError(file: file, key: nil, problem: "expected a JSON object, got \(json.kind)")
        }
        var root = ConfigurationObject(file: file, path: "", values: members)
        let nested = !root.keys.isDisjoint(with: ["source", "target", "sync"])
        if !nested {
            // The seed connector's flat file: the top level is the source.
            let source = try SourceConfiguration(reading: &root, environment: environment)
            var empty = ConfigurationObject(file: file, path: "target", values: [:])
            return Configuration(
                source: source,
                target: try TargetConfiguration(reading: &empty, environment: environment),
                sync: try SyncConfiguration(reading: nil))
        }
        guard var sourceObject = try root.object("source") else {
            throw root.error("source", "is required")
        }
        var targetObject = try root.object("target") ?? ConfigurationObject(file: file, path: "target", values: [:])
        let syncObject = try root.object("sync")
        let metricsObject = try root.object("metrics")
        try root.rejectUnknownKeys()
        var configuration = Configuration(
            source: try SourceConfiguration(reading: &sourceObject, environment: environment),
            target: try TargetConfiguration(reading: &targetObject, environment: environment),
            sync: try SyncConfiguration(reading: syncObject))
        if var metrics = metricsObject {
            if let text = try metrics.string("listen") {
                guard let address = ListenAddress(text) else {
                    throw metrics.error("listen", "expected a host and port such as \"127.0.0.1:9187\", got \"\(text)\"")
                }
                configuration.metricsListen = address
            }
            try metrics.rejectUnknownKeys()
        }
        return configuration
    }

    private static func reason(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return "\(error)" }
        let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
        return underlying ?? context.debugDescription
    }
}
