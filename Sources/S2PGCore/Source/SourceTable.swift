/// A base table of the source database.
public struct SourceTable: Sendable, Hashable {
    /// A column, in ordinal order.
    public struct Column: Sendable, Hashable {
        public var name: String
        public var type: SourceColumnType
        public var isNullable: Bool
        /// The character set of a text column, when the catalog says.
        public var characterSet: String? = nil
    }

    public var name: String
    public var columns: [Column]
    /// Primary key columns in key order; empty when there is none.
    public var primaryKey: [String]
    /// Other unique keys: index name → columns in key order.
    public var uniqueKeys: [String: [String]]
    /// Columns that are the first of some index, unique or not.
    public var indexLeads: Set<String> = []

    public func column(named name: String) -> Column? {
        columns.first { $0.name == name }
    }
}
