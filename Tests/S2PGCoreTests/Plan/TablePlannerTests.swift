import Testing

@testable import S2PGCore

/// Planning from SingleStore's catalog rows: its own types, its primary key listed once per index type,
/// shard keys that are no key.
@Suite("Table planning")
struct TablePlannerTests {
    typealias Column = SourceCatalogRows.Column
    typealias Key = SourceCatalogRows.UniqueKeyColumn

    /// SingleStore's connectors' own test tables, as their test suites create them on live servers:
    /// - `data`: singlestore-labs/singlestoredb-python `tests/test.sql` (a rowstore table, `PRIMARY KEY (id)
    ///   USING HASH`); its `COLUMN_TYPE`s are the `SHOW COLUMNS` types `tests/test_connection.py`
    ///   (`test_show_accessors`) asserts: `varchar(255)`, `varchar(255)`, `bigint(20)`.
    /// - `region`, `book`, `article`: xo/dbmeta `models/singlestore/fixture/fixture.go`, read back on 9.0 and
    ///   9.1.1 by `test/singlestore_test.go`: the primary key index is `PRIMARY`, and a key that is also the
    ///   shard key is listed in `STATISTICS` once per index type (`models/mysql/relation.go`: "a key that is
    ///   also the shard key twice, once under each type"). `article`'s `SHARD KEY (id)` is not unique, so it
    ///   is no unique-key row; `book` is a reference table with `UNIQUE KEY book_title_unique (title)`.
    /// - `test_rsmd_extended_types`: memsql/S2-JDBC-Connector `ResultSetMetadataTest` (`v1 VECTOR(4, F32),
    ///   v2 VECTOR(2, I64), bs1 BSON`, whose `UCASE(COLUMN_TYPE)` it asserts as `VECTOR(4, F32)` and
    ///   `VECTOR(2, I64)`), and `DateTimeCodec3` from its `DateTimeCodecTest` (`id int not null primary key
    ///   auto_increment, t1 DATETIME(6)`).
    /// Integer widths not asserted by those tests are written as MySQL 5.7 (which SingleStore claims to be)
    /// prints them; a default rowstore or columnstore table is sharded on its primary key, hence the
    /// repeated `PRIMARY` rows.
    static let singleStoreRows = SourceCatalogRows(
        tables: ["data", "region", "book", "article", "test_rsmd_extended_types", "DateTimeCodec3"],
        columns: [
            Column(table: "data", name: "id", ordinal: 1, columnType: "varchar(255)", isNullable: false),
            Column(table: "data", name: "name", ordinal: 2, columnType: "varchar(255)", isNullable: false),
            Column(table: "data", name: "value", ordinal: 3, columnType: "bigint(20)", isNullable: false),
            Column(table: "region", name: "area", ordinal: 2, columnType: "varchar(64)", isNullable: false),
            Column(table: "region", name: "country", ordinal: 1, columnType: "varchar(64)", isNullable: false),
            Column(table: "book", name: "book_id", ordinal: 1, columnType: "int(11)", isNullable: false),
            Column(table: "book", name: "author_id", ordinal: 2, columnType: "int(11)", isNullable: false),
            Column(table: "book", name: "title", ordinal: 3, columnType: "varchar(255)", isNullable: false),
            Column(table: "book", name: "published", ordinal: 4, columnType: "date", isNullable: true),
            Column(table: "article", name: "id", ordinal: 1, columnType: "int(11)", isNullable: false),
            Column(table: "article", name: "body", ordinal: 2, columnType: "text", isNullable: true),
            Column(table: "test_rsmd_extended_types", name: "v1", ordinal: 1, columnType: "vector(4, F32)", isNullable: true),
            Column(table: "test_rsmd_extended_types", name: "v2", ordinal: 2, columnType: "vector(2, I64)", isNullable: true),
            Column(table: "test_rsmd_extended_types", name: "bs1", ordinal: 3, columnType: "bson", isNullable: true),
            Column(table: "DateTimeCodec3", name: "id", ordinal: 1, columnType: "int(11)", isNullable: false),
            Column(table: "DateTimeCodec3", name: "t1", ordinal: 2, columnType: "datetime(6)", isNullable: true),
        ],
        uniqueKeys: [
            Key(table: "data", index: "PRIMARY", sequence: 1, column: "id"),
            Key(table: "data", index: "PRIMARY", sequence: 1, column: "id"),
            Key(table: "region", index: "PRIMARY", sequence: 1, column: "country"),
            Key(table: "region", index: "PRIMARY", sequence: 2, column: "area"),
            Key(table: "region", index: "PRIMARY", sequence: 1, column: "country"),
            Key(table: "region", index: "PRIMARY", sequence: 2, column: "area"),
            Key(table: "book", index: "PRIMARY", sequence: 1, column: "book_id"),
            Key(table: "book", index: "book_title_unique", sequence: 1, column: "title"),
            Key(table: "DateTimeCodec3", index: "PRIMARY", sequence: 1, column: "id"),
            Key(table: "DateTimeCodec3", index: "PRIMARY", sequence: 1, column: "id"),
        ])

    static func plans(_ sync: SyncConfiguration = SyncConfiguration(updatedAtColumn: "t1"), rows: SourceCatalogRows = singleStoreRows) throws -> [String: TablePlan] {
        let catalog = SourceCatalog(database: "shop", rows: rows, dialect: .singleStore(version: "9.1.1"))
        let plans = try TablePlanner(sync: sync, targetSchema: "mirror").plan(catalog)
        return Dictionary(uniqueKeysWithValues: plans.map { ($0.sourceName, $0) })
    }

    @Test("SingleStore types map: VECTOR, BSON, DATETIME(6), BIGINT(20)")
    func singleStoreTypes() throws {
        let plans = try Self.plans()
        let types = plans.values.flatMap { plan in plan.columns.map { ("\(plan.sourceName).\($0.sourceName)", $0.mapped.postgres.description) } }
        let byName = Dictionary(uniqueKeysWithValues: types)
        #expect(byName["test_rsmd_extended_types.v1"] == "real[]")
        #expect(byName["test_rsmd_extended_types.v2"] == "bigint[]")
        #expect(byName["test_rsmd_extended_types.bs1"] == "bytea")
        #expect(byName["DateTimeCodec3.t1"] == "timestamp(6) without time zone")
        #expect(byName["data.value"] == "bigint")
        #expect(byName["book.published"] == "date")
    }

    @Test("a primary key listed once per index type is one key, in key order; columns are in ordinal order")
    func primaryKey() throws {
        let region = try #require(try Self.plans()["region"])
        #expect(region.keySource == .primaryKey)
        #expect(region.key == ["country", "area"])
        #expect(region.columns.map(\.sourceName) == ["country", "area"])
        let data = try #require(try Self.plans()["data"])
        #expect(data.key == ["id"])
        #expect(data.createTableSQL.contains(#"PRIMARY KEY ("id")"#))
    }

    @Test("mode selection", arguments: [
        ("DateTimeCodec3", "t1", TablePlan.Mode.incremental, "primary key and the cursor column"),
        ("data", "t1", .full, "no cursor column"),
        ("article", "t1", .full, "no key: the shard key is not one"),
        ("book", "published", .full, "the cursor column is a DATE, not a date and time"),
        ("DateTimeCodec3", "T1", .incremental, "the cursor column named in another case"),
    ])
    func modes(_ table: String, _ cursor: String, _ mode: TablePlan.Mode, _ why: String) throws {
        let plan = try #require(try Self.plans(SyncConfiguration(updatedAtColumn: cursor))[table])
        #expect(plan.mode == mode, "\(why)")
        #expect((plan.modeReason == nil) == (mode == .incremental))
        if mode == .incremental {
            #expect(plan.cursor == TablePlan.Cursor(column: "t1", isTimestamp: false, precision: 6))
        }
    }

    @Test("a keyless table gets the synthetic row id, unless sync.keys declares a key")
    func keyless() throws {
        let article = try #require(try Self.plans()["article"])
        #expect(article.keySource == .synthetic)
        #expect(article.targetKey == ["_s2pg_row_id"])
        #expect(article.createTableSQL.contains(#""_s2pg_row_id" text NOT NULL"#))
        #expect(article.createTableSQL.contains(#"PRIMARY KEY ("_s2pg_row_id")"#))

        let declared = try #require(try Self.plans(SyncConfiguration(keys: ["article": ["id"]]))["article"])
        #expect(declared.keySource == .declared)
        #expect(declared.targetKey == ["id"])
        #expect(!declared.createTableSQL.contains("_s2pg_row_id"))
    }

    @Test("a unique key serves when there is no primary key")
    func uniqueKey() throws {
        var rows = Self.singleStoreRows
        rows.uniqueKeys.removeAll { $0.table == "book" && $0.index == "PRIMARY" }
        let book = try #require(try Self.plans(rows: rows)["book"])
        #expect(book.keySource == .uniqueKey("book_title_unique"))
        #expect(book.key == ["title"])
    }

    @Test("the DDL quotes every name, keeps case, adds metadata columns, only keys are NOT NULL, fillfactor for updates")
    func ddl() throws {
        let table = try #require(try Self.plans()["DateTimeCodec3"])
        #expect(
            table.createTableSQL == """
                CREATE TABLE IF NOT EXISTS "mirror"."DateTimeCodec3" (
                    "id" integer NOT NULL,
                    "t1" timestamp(6) without time zone,
                    "_s2pg_synced_at" timestamp(6) with time zone NOT NULL DEFAULT now(),
                    PRIMARY KEY ("id")
                ) WITH (fillfactor = 90)
                """)
        // A table that is only ever reloaded is packed.
        let region = try #require(try Self.plans()["region"])
        #expect(region.createTableSQL.hasSuffix("\n)"))
    }

    @Test("table selection: tables, exclude_tables")
    func selection() throws {
        #expect(try Self.plans(SyncConfiguration(tables: ["data", "book"])).keys.sorted() == ["book", "data"])
        #expect(
            try Self.plans(SyncConfiguration(excludeTables: ["data", "DateTimeCodec3"])).keys.sorted()
                == ["article", "book", "region", "test_rsmd_extended_types"])
    }

    @Test(
        "a configuration naming what the source lacks is an error naming it",
        arguments: [
            (SyncConfiguration(tables: ["Book"]), "sync.tables names Book, which is not a table of source database shop (table names are case-sensitive: did you mean book?)"),
            (SyncConfiguration(excludeTables: ["nope"]), "sync.exclude_tables names nope, which is not a table of source database shop"),
            (SyncConfiguration(keys: ["nope": ["id"]]), "sync.keys names nope, which is not a table of source database shop"),
            (SyncConfiguration(keys: ["article": ["title"]]), "sync.keys.article: table article has no column title"),
            (SyncConfiguration(keys: ["article": ["body"]]), "sync.keys.article: column body is nullable; key columns must be NOT NULL"),
        ])
    func badSelection(_ sync: SyncConfiguration, _ message: String) {
        #expect { try Self.plans(sync) } throws: { ($0 as? S2PGError)?.message == message }
    }

    @Test("an unknown type maps to text with a warning in the plan")
    func unknownType() throws {
        var rows = Self.singleStoreRows
        rows.columns.append(Column(table: "article", name: "sketch", ordinal: 3, columnType: "hll", isNullable: true))
        let plan = try #require(try Self.plans(rows: rows)["article"])
        #expect(plan.columns.last?.mapped.postgres == .text)
        #expect(plan.warnings.count == 1)
        #expect(plan.warnings.first?.contains("sketch") == true)
    }

    @Test("a source column with s2pg's reserved prefix is refused")
    func reservedPrefix() {
        var rows = Self.singleStoreRows
        rows.columns.append(Column(table: "article", name: "_s2pg_synced_at", ordinal: 9, columnType: "int", isNullable: true))
        #expect { try Self.plans(rows: rows) } throws: { ($0 as? S2PGError)?.code == .catalog }
    }
}
