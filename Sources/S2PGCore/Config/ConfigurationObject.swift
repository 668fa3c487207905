/// One JSON object of the configuration file, read key by key.
///
/// Every typed read records the key as known, so `rejectUnknownKeys()` can name any typo afterwards.
/// Values of secret keys (`password`, `url`) are never echoed in errors.
struct ConfigurationObject {
    let file: String
    /// Dotted path of this object (`source`), empty for the root.
    let path: String
    private let values: [String: JSONValue]
    private var known: Set<String> = []

    init(file: String, path: String, values: [String: JSONValue]) {
        self.file = file
        self.path = path
        self.values = values
    }

    var keys: Set<String> { Set(values.keys) }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String?, _ problem: String) -> ConfigurationError {
        ConfigurationError(file: file, key: key.map(keyPath), problem: problem)
    }

    /// The value at `key`; JSON `null` counts as absent, so the default applies.
    private mutating func value(_ key: String) -> JSONValue? {
        known.insert(key)
        switch values[key] {
        case .none, .null?: return nil
        case let value?: return value
        }
    }

    private func mismatch(_ key: String, expected: String, got value: JSONValue) -> ConfigurationError {
        let secret = key.contains("password") || key == "url"
        return error(key, "expected \(expected), got \(secret ? value.kind : value.summary)")
    }

    mutating func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw mismatch(key, expected: "a string", got: value) }
        return text
    }

    /// A string that must be present and not empty.
    mutating func requiredString(_ key: String) throws(ConfigurationError) -> String {
        guard let text = try string(key) else { throw error(key, "is required") }
        guard !text.isEmpty else { throw error(key, "must not be empty") }
        return text
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let value = value(key) else { return nil }
        let expected = "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard case .integer(let number) = value else { throw mismatch(key, expected: expected, got: value) }
        guard range.contains(number) else { throw mismatch(key, expected: expected, got: value) }
        return number
    }

    /// A number from 0 to 1.
    mutating func fraction(_ key: String) throws(ConfigurationError) -> Double? {
        guard let value = value(key) else { return nil }
        let number: Double
        switch value {
        case .integer(let integer): number = Double(integer)
        case .number(let double): number = double
        default: throw mismatch(key, expected: "a number from 0 to 1", got: value)
        }
        guard (0...1).contains(number) else { throw mismatch(key, expected: "a number from 0 to 1", got: value) }
        return number
    }

    mutating func stringArray(_ key: String) throws(ConfigurationError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else { throw mismatch(key, expected: "an array of strings", got: value) }
        return try items.enumerated().map { (index, item) throws(ConfigurationError) -> String in
            guard case .string(let text) = item else {
                throw error("\(key)[\(index)]", "expected a string, got \(item.summary)")
            }
            return text
        }
    }

    mutating func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw mismatch(key, expected: "true or false", got: value) }
        return flag
    }

    /// An object whose every value is an array of strings (`sync.keys`).
    mutating func stringArrays(_ key: String) throws(ConfigurationError) -> [String: [String]]? {
        guard var object = try object(key) else { return nil }
        var result: [String: [String]] = [:]
        for name in object.keys.sorted() {
            guard let strings = try object.stringArray(name), !strings.isEmpty else {
                throw object.error(name, "expected a non-empty array of column names")
            }
            result[name] = strings
        }
        return result
    }

    /// One of a fixed set of words (`tls`, `sslmode`).
    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type) throws(ConfigurationError) -> T?
    where T.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let choice = T(rawValue: text) else {
            let allowed = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw error(key, "expected one of \(allowed), got \"\(text)\"")
        }
        return choice
    }

    mutating func object(_ key: String) throws(ConfigurationError) -> ConfigurationObject? {
        guard let value = value(key) else { return nil }
        guard case .object(let members) = value else { throw mismatch(key, expected: "an object", got: value) }
        return ConfigurationObject(file: file, path: keyPath(key), values: members)
    }

    /// Fails naming every key that no read asked for: a typo must not be silently ignored.
    func rejectUnknownKeys() throws(ConfigurationError) {
        let unknown = values.keys.filter { !known.contains($0) }.sorted()
        guard let first = unknown.first else { return }
        let allowed = known.sorted().joined(separator: ", ")
        let problem = unknown.count == 1
            ? "unknown key (allowed here: \(allowed))"
            : "unknown keys \(unknown.map(keyPath).joined(separator: ", ")) (allowed here: \(allowed))"
        throw error(first, problem)
    }
}
