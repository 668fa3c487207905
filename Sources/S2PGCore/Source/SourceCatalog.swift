import MariaDBClient

/// Every base table of the configured source database, with columns and keys.
public struct SourceCatalog: Sendable {
    public var database: String
    /// The server the catalog came from.
    public var dialect: SourceDialect
    /// The zone its sessions are in.
    public var zone: SourceZone
    /// In name order.
    public var tables: [SourceTable]

    /// Builds the catalog from its raw rows, as `dialect` writes them.
    public init(database: String, rows: SourceCatalogRows, dialect: SourceDialect = .mariaDB, zone: SourceZone = .utc) {
        self.database = database
        self.dialect = dialect
        self.zone = zone
        let columns = Dictionary(grouping: rows.columns, by: \.table)
        // A key that is also SingleStore's shard key is listed once per index kind, row for row alike; its
        // own JDBC driver reads primary keys with SELECT DISTINCT (memsql/S2-JDBC-Connector,
        // DatabaseMetaData.getPrimaryKeys). Alike rows are one.
        let keys = Dictionary(grouping: Array(Set(rows.uniqueKeys)), by: \.table)
        tables = rows.tables.filter(\.isSyncable).map(\.name).sorted().map { name in
            let indexes = Dictionary(grouping: keys[name] ?? [], by: \.index)
                .mapValues { $0.sorted { $0.sequence < $1.sequence }.map(\.column) }
            return SourceTable(
                name: name,
                columns: (columns[name] ?? []).sorted { $0.ordinal < $1.ordinal }.map {
                    SourceTable.Column(
                        name: $0.name, type: SourceColumnType(dialect.columnType($0.columnType)), isNullable: $0.isNullable,
                        characterSet: $0.characterSet)
                },
                // Both name the primary key PRIMARY (SingleStore 9.1.1 as xo/dbmeta's tests read it); index
                // names compare without case, as MySQL's do. SingleStore's own keys (`__UNORDERED`) are no
                // constraints.
                primaryKey: indexes.first { $0.key.lowercased() == "primary" }?.value ?? [],
                // A key the source does not enforce can hold duplicates: never a sync key.
                uniqueKeys: indexes.filter { index, columns in
                    index.lowercased() != "primary" && !index.hasPrefix("__")
                        && !rows.unenforcedKeys.contains(.init(table: name, columns: columns))
                },
                indexLeads: Set(rows.indexLeads.filter { $0.table == name }.map(\.column)))
        }
    }

    /// One row that changes when what `load` reads of tables, columns and keys changes: counts and checksums
    /// of the same catalog rows, in one round trip of a few milliseconds where `load` takes tens (measured on
    /// MariaDB, 1,000 tables: 10 ms). `s2pg run` reads it every pass and reads the catalog again when it
    /// moves. SingleStore has `CRC32` (as CRC-32C) and `BIT_XOR` too; only equality with itself matters.
    static let fingerprintSQL = """
        SELECT (SELECT CONCAT(COUNT(*), ':', SUM(CRC32(CONCAT_WS(',', TABLE_NAME, TABLE_TYPE))))
                FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE()),
               (SELECT CONCAT(COUNT(*), ':', SUM(CRC32(CONCAT_WS(',', TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE,
                    IS_NULLABLE, CHARACTER_SET_NAME))), ':', BIT_XOR(CRC32(CONCAT_WS(',', TABLE_NAME, COLUMN_NAME, COLUMN_TYPE))))
                FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = DATABASE()),
               (SELECT CONCAT(COUNT(*), ':', SUM(CRC32(CONCAT_WS(',', TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE))))
                FROM INFORMATION_SCHEMA.STATISTICS WHERE TABLE_SCHEMA = DATABASE())
        """

    /// Reads the catalog of the connection's database (`DATABASE()`): the dialect and the session's zone,
    /// then three queries, whatever the number of tables (on SingleStore, also the definition of each table
    /// with a unique key besides its primary key, for `UNENFORCED`).
    /// `configuredZone` is `source.time_zone`, for a session zone that names no single zone.
    public static func load(from connection: MariaDBConnection, configuredZone: String? = nil) async throws -> SourceCatalog {
        try await connection.run { connection in
            let dialect = try SourceDialect.detect(on: connection)
            let zone = try SourceZone.detect(on: connection, configured: configuredZone)
            let database = try connection.query("SELECT DATABASE()").strings.first?.first ?? nil
            let tables = try connection.query(dialect.tablesSQL).strings
            let columns = try connection.query(
                """
                SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, CHARACTER_SET_NAME
                FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
                """).strings
            // Functional index parts have no COLUMN_NAME; they cannot serve as a key or be sought.
            let indexes = try connection.query(
                """
                SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE FROM INFORMATION_SCHEMA.STATISTICS
                WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME IS NOT NULL
                """).strings
            let uniqueKeys: [SourceCatalogRows.UniqueKeyColumn] = indexes.filter { $0[4] == "0" }.map {
                .init(table: $0[0]!, index: $0[1]!, sequence: Int($0[2]!) ?? 0, column: $0[3]!)
            }
            // Only tables with a unique key besides the primary key are asked for their definition.
            var unenforced: [SourceCatalogRows.UnenforcedKey] = []
            if dialect.hasUnenforcedKeys {
                for table in Set(uniqueKeys.filter { $0.index.lowercased() != "primary" }.map(\.table)).sorted() {
                    let text = try connection.query("SHOW CREATE TABLE \(MariaDBIdentifier.quote(table))").strings.first?.last ?? nil
                    unenforced += SourceDialect.unenforcedKeys(inCreateTable: text ?? "").map { .init(table: table, columns: $0) }
                }
            }
            return SourceCatalog(
                database: database ?? "",
                rows: SourceCatalogRows(
                    tables: tables.map { .init(name: $0[0]!, type: $0[1] ?? "", flags: $0[2].flatMap { UInt64($0) }) },
                    columns: columns.map {
                        .init(
                            table: $0[0]!, name: $0[1]!, ordinal: Int($0[2]!) ?? 0, columnType: $0[3]!,
                            isNullable: $0[4] == "YES", characterSet: $0[5])
                    },
                    uniqueKeys: uniqueKeys,
                    indexLeads: indexes.filter { $0[2] == "1" }.map { .init(table: $0[0]!, column: $0[3]!) },
                    unenforcedKeys: unenforced),
                dialect: dialect, zone: zone)
        }
    }
}
