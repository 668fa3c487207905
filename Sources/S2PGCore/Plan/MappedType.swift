/// What a source column becomes in PostgreSQL, and how it must be read to get there.
public struct MappedType: Hashable, Sendable {
    /// How the column is selected from the source.
    public enum Read: String, Hashable, Sendable {
        /// The column as it is: the text protocol's value is what PostgreSQL takes.
        case column
        /// MySQL spatial values arrive in an internal binary form; `ST_AsText()` turns them into WKT.
        case spatialAsText
        /// FLOAT arrives with 6 significant digits in the text protocol (16777216 as `16777200`), which
        /// `real` would hold as another number; as DOUBLE it arrives exact, and `real` takes back the very
        /// same float.
        case floatAsDouble
    }

    /// The select-list expression that reads `column` (already quoted) this way.
    public func select(_ column: String) -> String {
        switch read {
        case .column: column
        case .spatialAsText: "ST_AsText(\(column))"
        case .floatAsDouble: "CAST(\(column) AS DOUBLE)"
        }
    }

    public var postgres: PostgresType
    public var read: Read
    /// Set when the source type is unknown and mapped to text as a fallback.
    public var warning: String?

    public init(_ postgres: PostgresType, read: Read = .column, warning: String? = nil) {
        self.postgres = postgres
        self.read = read
        self.warning = warning
    }
}
