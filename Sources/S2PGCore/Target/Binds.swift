/// The values bound to a statement, numbered as they are appended (postgres-nio's `PostgresBindings`
/// style): the text gets `$n` from `append`, so no placeholder is numbered by hand.
struct Binds: Sendable, Equatable {
    private(set) var values: [String?]

    init(_ values: [String?] = []) {
        self.values = values
    }

    /// Binds `value` and returns its placeholder.
    mutating func append(_ value: String?) -> String {
        values.append(value)
        return "$\(values.count)"
    }
}
