import Testing

@testable import S2PGCore

/// SingleStore's catalog as its own connectors read it. No SingleStore server runs here: each case is
/// built from what a recorded source says SingleStore returns, named in it.
@Suite("Source dialect")
struct SourceDialectTests {
    typealias Column = SourceCatalogRows.Column
    typealias Key = SourceCatalogRows.UniqueKeyColumn
    static let singleStore = SourceDialect.singleStore(version: "8.9.3")

    /// One table's rows: its columns in order (NOT NULL where they are key columns) and its primary key.
    static func table(_ name: String, _ columns: [(name: String, type: String)], key: [String]) -> SourceCatalogRows {
        SourceCatalogRows(
            tables: [.init(name: name)],
            columns: columns.enumerated().map { ordinal, column in
                Column(table: name, name: column.name, ordinal: ordinal + 1, columnType: column.type, isNullable: !key.contains(column.name))
            },
            uniqueKeys: key.enumerated().map { Key(table: name, index: "PRIMARY", sequence: $0 + 1, column: $1) })
    }

    static func plan(_ rows: SourceCatalogRows, _ dialect: SourceDialect = singleStore) throws -> [String: TablePlan] {
        let plans = try TablePlanner(sync: SyncConfiguration(), targetSchema: "m").plan(SourceCatalog(database: "d", rows: rows, dialect: dialect))
        return Dictionary(uniqueKeysWithValues: plans.map { ($0.sourceName, $0) })
    }

    @Test("a primary key listed twice in STATISTICS is one key")
    func primaryKeyListedTwice() throws {
        // memsql/singlestore-odbc-connector test/catalog2.c, odbc119: for `t_odbc119 (id int not null
        // auto_increment PRIMARY KEY, ui_p1 INT NOT NULL, iu_p2 INT NOT NULL, a varchar(100) not null,
        // KEY `INDEX` (`a`), UNIQUE KEY `UNIQUE` (ui_p1, iu_p2, id))` SingleStore's statistics are 6 rows:
        // PRIMARY id (non-unique 0, seq 1) twice, then UNIQUE ui_p1, iu_p2, id (seq 1 to 3), then INDEX a.
        // Its JDBC driver reads primary keys with SELECT DISTINCT (S2-JDBC-Connector, DatabaseMetaData).
        let rows = SourceCatalogRows(
            tables: ["t_odbc119"],
            columns: [
                Column(table: "t_odbc119", name: "id", ordinal: 1, columnType: "int(11)", isNullable: false),
                Column(table: "t_odbc119", name: "ui_p1", ordinal: 2, columnType: "int(11)", isNullable: false),
                Column(table: "t_odbc119", name: "iu_p2", ordinal: 3, columnType: "int(11)", isNullable: false),
                Column(table: "t_odbc119", name: "a", ordinal: 4, columnType: "varchar(100)", isNullable: false),
            ],
            uniqueKeys: [
                Key(table: "t_odbc119", index: "PRIMARY", sequence: 1, column: "id"),
                Key(table: "t_odbc119", index: "PRIMARY", sequence: 1, column: "id"),
                Key(table: "t_odbc119", index: "UNIQUE", sequence: 1, column: "ui_p1"),
                Key(table: "t_odbc119", index: "UNIQUE", sequence: 2, column: "iu_p2"),
                Key(table: "t_odbc119", index: "UNIQUE", sequence: 3, column: "id"),
            ],
            indexLeads: [.init(table: "t_odbc119", column: "id"), .init(table: "t_odbc119", column: "ui_p1"), .init(table: "t_odbc119", column: "a")])
        let plan = try #require(try Self.plan(rows)["t_odbc119"])
        #expect(plan.key == ["id"])
        #expect(plan.createTableSQL.contains(#"PRIMARY KEY ("id")"#))
    }

    @Test("table-valued functions (FLAGS bit 0) and temporary tables are not tables to sync")
    func functionsAndTemporaryTables() throws {
        // memsql/S2-JDBC-Connector, DatabaseMetaData.getTables: `CAST(FLAGS AS UNSIGNED INTEGER) & 1 = 0`
        // keeps table-valued functions out; its getTableTypes lists TEMPORARY TABLE and GLOBAL TEMPORARY TABLE.
        let rows = SourceCatalogRows(
            tables: [
                .init(name: "orders", type: "BASE TABLE", flags: 0), .init(name: "recent_orders", type: "BASE TABLE", flags: 1),
                .init(name: "scratch", type: "TEMPORARY TABLE", flags: 0), .init(name: "shared", type: "GLOBAL TEMPORARY TABLE", flags: 0),
                .init(name: "v", type: "VIEW", flags: 0),
            ],
            columns: ["orders", "recent_orders", "scratch", "shared", "v"].map {
                Column(table: $0, name: "id", ordinal: 1, columnType: "int(11)", isNullable: false)
            },
            uniqueKeys: [])
        #expect(try Self.plan(rows).keys.sorted() == ["orders"])
    }

    @Test("the tables query tells functions by FLAGS from 7.8.1 on, by a routine of the same name before")
    func tablesSQL() {
        #expect(SourceDialect.singleStore(version: "7.8.1").tablesSQL.contains("CAST(t.FLAGS AS UNSIGNED INTEGER)"))
        #expect(SourceDialect.singleStore(version: "8.9.3").tablesSQL.contains("CAST(t.FLAGS AS UNSIGNED INTEGER)"))
        #expect(SourceDialect.singleStore(version: "7.5.12").tablesSQL.contains("INFORMATION_SCHEMA.ROUTINES"))
        #expect(!SourceDialect.mariaDB.tablesSQL.contains("FLAGS"))
    }

    @Test("a PERSISTED computed column maps by the type after its expression")
    func persistedColumns() throws {
        // memsql/S2-JDBC-Connector test DatabaseMetadataTest.testGetColumns creates `c AS (CHAR_LENGTH(b))
        // PERSISTED INT`, `d AS left(b,5) PERSISTED VARCHAR(5) CHARACTER SET 'utf8mb4'` and `e AS a * 2
        // PERSISTED INT(14) UNSIGNED` and expects INT, VARCHAR(5) and INT UNSIGNED; its DatabaseMetaData
        // reads them from the COLUMN_TYPE text after PERSISTED, which is how these rows are written.
        let rows = Self.table("t", [
            ("a", "bigint(20)"), ("c", "as (CHAR_LENGTH(b)) PERSISTED int(11)"),
            ("d", "as left(b,5) PERSISTED varchar(5) CHARACTER SET utf8mb4"), ("e", "as a * 2 PERSISTED int(14) unsigned"),
        ], key: ["a"])
        let plan = try #require(try Self.plan(rows)["t"])
        #expect(plan.columns.map(\.mapped.postgres) == [.bigint, .integer, .varchar(5), .bigint])
        #expect(plan.warnings.isEmpty)
        // MariaDB writes no expression there: its COLUMN_TYPE is taken as it is.
        #expect(SourceDialect.mariaDB.columnType("enum('persisted x','y')") == "enum('persisted x','y')")
    }

    @Test("a BIT without a width is SingleStore's 64-bit BIT")
    func bitWidth() throws {
        // SingleStore's BIT holds 64 bits (Fivetran HVR's data type mapping for SingleStore writes a MySQL bit
        // as bit(64)); MariaDB always writes the width.
        let rows = Self.table("flags", [("id", "int(11)"), ("mask", "bit"), ("small", "bit(3)")], key: ["id"])
        #expect(try Self.plan(rows)["flags"]?.columns.map(\.mapped.postgres) == [.integer, .bitVarying(64), .bitVarying(3)])
        #expect(try Self.plan(rows, .mariaDB)["flags"]?.columns.map(\.mapped.postgres) == [.integer, .bitVarying(1), .bitVarying(3)])
    }

    @Test("a UNIQUE ... UNENFORCED key can hold duplicates: never the sync key")
    func unenforcedKeys() throws {
        // docs.singlestore.com, "Specifying Unenforced Unique Constraints": `UNIQUE KEY (col1, col2)
        // UNENFORCED`, and `CREATE TABLE t (id INT, SORT KEY (id), UNIQUE KEY (id) UNENFORCED RELY)`.
        let definition = """
            CREATE TABLE `t` (
              `id` int(11) NOT NULL,
              `email` varchar(100) NOT NULL,
              `odd``name` int(11) NOT NULL,
              `code` char(3) NOT NULL,
              UNIQUE KEY `id` (`id`) UNENFORCED RELY,
              UNIQUE KEY `pair` (`email`, `odd``name`) unenforced,
              UNIQUE KEY `code` (`code`),
              SORT KEY `__UNORDERED` ()
            )
            """
        #expect(SourceDialect.unenforcedKeys(inCreateTable: definition) == [["id"], ["email", "odd`name"]])
        var rows = Self.table("t", [("id", "int(11)"), ("email", "varchar(100)"), ("code", "char(3)")], key: [])
        rows.columns = rows.columns.map { var column = $0; column.isNullable = false; return column }
        rows.uniqueKeys = [
            Key(table: "t", index: "id", sequence: 1, column: "id"), Key(table: "t", index: "code", sequence: 1, column: "code"),
        ]
        rows.unenforcedKeys = [.init(table: "t", columns: ["id"])]
        #expect(try Self.plan(rows)["t"]?.keySource == .uniqueKey("code"))
        rows.uniqueKeys.removeLast()
        #expect(try Self.plan(rows)["t"]?.keySource == .synthetic)
    }
}
