/// A problem with the configuration file: names the file, the key (dotted, as in `source.port`) and what is
/// wrong, so it can be fixed without guessing.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    /// Dotted key path, or `nil` for a problem with the file as a whole.
    public var key: String?
    public var problem: String

    public init(file: String, key: String?, problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
    }

    public var description: String {
        if let key { "\(file): \(key): \(problem)" } else { "\(file): \(problem)" }
    }
}
