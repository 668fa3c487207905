import MariaDBClient
import PostgresClient

/// Everything s2pg decided about one table: how it is synced, what its mirror looks like, and the DDL.
public struct TablePlan: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, Codable {
        /// Key + updated_at: read in windows and upserted.
        case incremental
        /// Compared whole with its mirror on every sync: repaired in place, or (keyless) reloaded when it changed.
        case full
    }

    /// Where the key used for upserts and ordering comes from.
    public enum KeySource: Sendable, Hashable {
        case primaryKey
        case uniqueKey(String)
        /// `sync.keys` in the configuration.
        case declared
        /// No key: `_s2pg_row_id`, from the row's values and an occurrence number.
        case synthetic
    }

    /// The column s2pg reads incremental changes by.
    public struct Cursor: Sendable, Hashable {
        public var column: String
        /// DATETIME values are in the server's zone; TIMESTAMP values are read in UTC, or in the zone the
        /// source's sessions are in (`TablePlan.sourceZone`).
        public var isTimestamp: Bool
        public var precision: Int

        public init(column: String, isTimestamp: Bool, precision: Int) {
            self.column = column
            self.isTimestamp = isTimestamp
            self.precision = precision
        }
    }

    public struct Column: Sendable, Hashable {
        public var sourceName: String
        public var targetName: String
        public var sourceType: SourceColumnType
        public var mapped: MappedType
        public var isKey: Bool
        public var isNullable: Bool
        /// The character set of a text column, when the catalog says.
        public var characterSet: String? = nil

        /// Whether the source stores the column's text in the bytes PostgreSQL's UTF-8 holds it in (utf8mb3 is
        /// utf8mb4 without its 4-byte characters), so that it needs no conversion to be hashed alike.
        var isUTF8: Bool {
            ["utf8mb4", "utf8mb3", "utf8"].contains(characterSet?.lowercased() ?? "")
        }
    }

    public var sourceName: String
    public var targetSchema: String
    public var targetName: String
    public var mode: Mode
    /// Why the table is `full`, for `discover` and the logs.
    public var modeReason: String?
    public var keySource: KeySource
    /// Source names of the key columns, in key order; empty for `.synthetic`.
    public var key: [String]
    public var cursor: Cursor?
    /// Source columns, in ordinal order.
    public var columns: [Column]
    public var warnings: [String]
    /// The zone the source's sessions read TIMESTAMP values in.
    public var sourceZone: SourceZone = .utc
    /// The source's server, for what it says about its open transactions.
    public var dialect: SourceDialect = .mariaDB
    /// Rows the source deleted stay in the mirror, marked in `_s2pg_deleted_at` (`sync.deletes` "soft").
    public var softDeletes = false

    /// Metadata columns s2pg adds to every mirror.
    public static let syncedAtColumn = "_s2pg_synced_at"
    public static let rowIDColumn = "_s2pg_row_id"
    public static let deletedAtColumn = "_s2pg_deleted_at"
    public static let metadataPrefix = "_s2pg_"

    /// Every target column with its type, metadata columns last.
    public var targetColumns: [(name: String, type: PostgresType)] {
        var all = columns.map { ($0.targetName, $0.mapped.postgres) }
        if keySource == .synthetic { all.append((Self.rowIDColumn, .text)) }
        all.append((Self.syncedAtColumn, .timestampWithTimeZone(precision: 6)))
        if softDeletes { all.append((Self.deletedAtColumn, .timestampWithTimeZone(precision: 6))) }
        return all
    }

    /// Target names of the primary key columns of the mirror.
    public var targetKey: [String] {
        keySource == .synthetic
            ? [Self.rowIDColumn]
            : key.compactMap { name in columns.first { $0.sourceName == name }?.targetName }
    }

    public var qualifiedTargetName: String { PostgresIdentifier.qualified(targetSchema, targetName) }

    /// Column definition for `CREATE TABLE` and `ADD COLUMN`. Only key columns are NOT NULL: a value the
    /// target cannot hold (a zero date) becomes NULL by policy, even where the source column is NOT NULL.
    public func columnDefinition(_ name: String) -> String {
        let type = targetColumns.first { $0.name == name }!.type
        var definition = "\(PostgresIdentifier.quote(name)) \(type)"
        if name == Self.syncedAtColumn {
            definition += " NOT NULL DEFAULT now()"
        } else if targetKey.contains(name) {
            definition += " NOT NULL"
        }
        return definition
    }

    /// The statement that creates the mirror table.
    public var createTableSQL: String {
        let lines = targetColumns.map { "    " + columnDefinition($0.name) }
            + ["    PRIMARY KEY (\(targetKey.map(PostgresIdentifier.quote).joined(separator: ", ")))"]
        return "CREATE TABLE IF NOT EXISTS \(qualifiedTargetName) (\n\(lines.joined(separator: ",\n"))\n)\(storageParameters)"
    }

    /// Incremental mirrors leave 10% of each page free, so updates can stay on their page without touching
    /// the primary key index (HOT updates); reloaded-only mirrors are packed.
    public var storageParameters: String {
        mode == .incremental ? " WITH (fillfactor = 90)" : ""
    }
}
