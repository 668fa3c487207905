/// A JSON value as written in the configuration file, so that every key can be checked for its type and
/// named in an error (a `Decodable` struct would reject the file with a generic message).
enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// How a value is described in an error: its kind, and for scalars the value itself.
    var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value) (a boolean)"
        case .integer(let value): "\(value) (an integer)"
        case .number(let value): "\(value) (a number)"
        case .string(let value): "\"\(value)\" (a string)"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The kind alone, for values that must not be echoed (passwords, URLs with credentials).
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
