/// What s2pg reads from the source's `INFORMATION_SCHEMA`, as plain rows: three queries whatever the number
/// of tables (`STATISTICS` gives both the unique keys and the columns that lead an index), and on
/// SingleStore its `UNENFORCED` keys. Kept apart from their interpretation so SingleStore's catalog can be
/// tested from rows alone.
public struct SourceCatalogRows: Sendable, Hashable, Codable {
    /// One row of `TABLES`, with the dialect's `FLAGS` (see `SourceDialect.tablesSQL`). A name alone is a
    /// base table.
    public struct Table: Sendable, Hashable, Codable, ExpressibleByStringLiteral {
        public var name: String
        /// `BASE TABLE`, `VIEW`, `SYSTEM VERSIONED`, ...
        public var type: String
        /// SingleStore's `FLAGS`: bit 0 marks a table-valued function. `nil` where the server has none.
        public var flags: UInt64?

        public init(name: String, type: String = "BASE TABLE", flags: UInt64? = nil) {
            self.name = name
            self.type = type
            self.flags = flags
        }

        public init(stringLiteral name: String) {
            self.init(name: name)
        }

        /// A table to sync: a base table (or MariaDB's system-versioned one), not a view, a temporary table
        /// or a table-valued function.
        var isSyncable: Bool {
            ["BASE TABLE", "SYSTEM VERSIONED"].contains(type) && (flags ?? 0) & 1 == 0
        }
    }

    /// One row of `COLUMNS`.
    public struct Column: Sendable, Hashable, Codable {
        public var table: String
        public var name: String
        public var ordinal: Int
        /// Full `COLUMN_TYPE`: `int(10) unsigned`, `decimal(12,2)`, `enum('a','b')`, `vector(3, F32)`.
        public var columnType: String
        public var isNullable: Bool
        /// `CHARACTER_SET_NAME`: `utf8mb4`, `latin1`; nil for columns that are not text.
        public var characterSet: String?

        public init(table: String, name: String, ordinal: Int, columnType: String, isNullable: Bool, characterSet: String? = nil) {
            self.table = table
            self.name = name
            self.ordinal = ordinal
            self.columnType = columnType
            self.isNullable = isNullable
            self.characterSet = characterSet
        }
    }

    /// One column of a unique index, from `STATISTICS` (`NON_UNIQUE = 0`).
    public struct UniqueKeyColumn: Sendable, Hashable, Codable {
        public var table: String
        /// `PRIMARY` for the primary key.
        public var index: String
        public var sequence: Int
        public var column: String

        public init(table: String, index: String, sequence: Int, column: String) {
            self.table = table
            self.index = index
            self.sequence = sequence
            self.column = column
        }
    }

    /// A column that is the first of an index (`STATISTICS`, `SEQ_IN_INDEX = 1`): the source can seek it.
    public struct IndexLead: Sendable, Hashable, Codable {
        public var table: String
        public var column: String

        public init(table: String, column: String) {
            self.table = table
            self.column = column
        }
    }

    /// A unique key the source does not enforce (SingleStore's `UNENFORCED`), by its columns.
    public struct UnenforcedKey: Sendable, Hashable, Codable {
        public var table: String
        public var columns: [String]

        public init(table: String, columns: [String]) {
            self.table = table
            self.columns = columns
        }
    }

    /// Every row of `TABLES` for the database.
    public var tables: [Table]
    public var columns: [Column]
    public var uniqueKeys: [UniqueKeyColumn]
    public var indexLeads: [IndexLead]
    public var unenforcedKeys: [UnenforcedKey]

    public init(
        tables: [Table], columns: [Column], uniqueKeys: [UniqueKeyColumn], indexLeads: [IndexLead] = [],
        unenforcedKeys: [UnenforcedKey] = []
    ) {
        self.tables = tables
        self.columns = columns
        self.uniqueKeys = uniqueKeys
        self.indexLeads = indexLeads
        self.unenforcedKeys = unenforcedKeys
    }
}
