import Testing

@testable import S2PGCore

/// Planning from catalog rows shaped like SingleStore's INFORMATION_SCHEMA: types MariaDB cannot show,
/// lowercase `primary`, shard-key indexes.
@Suite("Table planning")
struct TablePlannerTests {
    typealias Column = SourceCatalogRows.Column
    typealias Key = SourceCatalogRows.UniqueKeyColumn

    /// Rows as SingleStore's INFORMATION_SCHEMA gives them, per its documentation: its own types in
    /// COLUMN_TYPE, the primary key index named `primary`, a columnstore shard key listed as `__SHARDKEY`.
    /// (Written by hand: no SingleStore server runs here.)
    static let singleStoreRows = SourceCatalogRows(
        tables: ["embeddings", "events", "orders", "places", "audit_log"],
        columns: [
            Column(table: "embeddings", name: "id", ordinal: 1, columnType: "bigint(20)", isNullable: false),
            Column(table: "embeddings", name: "vec", ordinal: 2, columnType: "vector(1536, F32)", isNullable: true),
            Column(table: "embeddings", name: "vec64", ordinal: 3, columnType: "vector(4, F64)", isNullable: true),
            Column(table: "embeddings", name: "doc", ordinal: 4, columnType: "BSON", isNullable: true),
            Column(table: "embeddings", name: "updated_at", ordinal: 5, columnType: "datetime(6)", isNullable: false),
            Column(table: "events", name: "kind", ordinal: 1, columnType: "varchar(20)", isNullable: false),
            Column(table: "events", name: "at", ordinal: 2, columnType: "timestamp(6)", isNullable: false),
            Column(table: "events", name: "body", ordinal: 3, columnType: "JSON", isNullable: true),
            Column(table: "orders", name: "region", ordinal: 2, columnType: "char(2)", isNullable: false),
            Column(table: "orders", name: "id", ordinal: 1, columnType: "bigint(20) unsigned", isNullable: false),
            Column(table: "orders", name: "updated_at", ordinal: 3, columnType: "timestamp(6)", isNullable: true),
            Column(table: "places", name: "code", ordinal: 1, columnType: "varchar(10)", isNullable: false),
            Column(table: "places", name: "area", ordinal: 2, columnType: "geography", isNullable: true),
            Column(table: "places", name: "center", ordinal: 3, columnType: "geographypoint", isNullable: true),
            Column(table: "places", name: "Updated_At", ordinal: 4, columnType: "datetime", isNullable: true),
            Column(table: "audit_log", name: "seq", ordinal: 1, columnType: "bigint(20)", isNullable: false),
            Column(table: "audit_log", name: "note", ordinal: 2, columnType: "text", isNullable: true),
            Column(table: "audit_log", name: "updated_at", ordinal: 3, columnType: "bigint(20)", isNullable: true),
        ],
        uniqueKeys: [
            Key(table: "embeddings", index: "primary", sequence: 1, column: "id"),
            Key(table: "orders", index: "primary", sequence: 2, column: "region"),
            Key(table: "orders", index: "primary", sequence: 1, column: "id"),
            Key(table: "events", index: "__SHARDKEY", sequence: 1, column: "kind"),
            Key(table: "places", index: "uq_code", sequence: 1, column: "code"),
            Key(table: "audit_log", index: "PRIMARY", sequence: 1, column: "seq"),
        ])

    static func plans(_ sync: SyncConfiguration = SyncConfiguration()) throws -> [String: TablePlan] {
        let catalog = SourceCatalog(database: "shop", rows: singleStoreRows)
        let plans = try TablePlanner(sync: sync, targetSchema: "mirror").plan(catalog)
        return Dictionary(uniqueKeysWithValues: plans.map { ($0.sourceName, $0) })
    }

    @Test("SingleStore types map: VECTOR, BSON, GEOGRAPHY, JSON, DATETIME(6), TIMESTAMP(6)")
    func singleStoreTypes() throws {
        let plans = try Self.plans()
        let types = plans.values.flatMap { plan in plan.columns.map { ("\(plan.sourceName).\($0.sourceName)", $0.mapped.postgres.description) } }
        let byName = Dictionary(uniqueKeysWithValues: types)
        #expect(byName["embeddings.vec"] == "real[]")
        #expect(byName["embeddings.vec64"] == "double precision[]")
        #expect(byName["embeddings.doc"] == "bytea")
        #expect(byName["embeddings.updated_at"] == "timestamp(6) without time zone")
        #expect(byName["events.at"] == "timestamp(6) with time zone")
        #expect(byName["events.body"] == "jsonb")
        #expect(byName["places.area"] == "text")
        #expect(byName["places.center"] == "text")
        #expect(byName["orders.id"] == "numeric(20,0)")
    }

    @Test("a lowercase `primary` is the primary key, in key order; columns are in ordinal order")
    func primaryKey() throws {
        let orders = try #require(try Self.plans()["orders"])
        #expect(orders.keySource == .primaryKey)
        #expect(orders.key == ["id", "region"])
        #expect(orders.columns.map(\.sourceName) == ["id", "region", "updated_at"])
        #expect(orders.mode == .incremental)
        #expect(orders.cursor == TablePlan.Cursor(column: "updated_at", isTimestamp: true, precision: 6))
    }

    @Test("mode selection", arguments: [
        ("embeddings", TablePlan.Mode.incremental, "primary key and updated_at"),
        ("orders", .incremental, "composite primary key and updated_at"),
        ("events", .full, "no updated_at: the shard key is not a key"),
        ("places", .incremental, "a unique key on NOT NULL columns, updated_at in another case"),
        ("audit_log", .full, "updated_at is not a date and time"),
    ])
    func modes(_ table: String, _ mode: TablePlan.Mode, _ why: String) throws {
        let plan = try #require(try Self.plans()[table])
        #expect(plan.mode == mode, "\(why)")
        #expect((plan.modeReason == nil) == (mode == .incremental))
    }

    @Test("a keyless table gets the synthetic row id, unless sync.keys declares a key")
    func keyless() throws {
        let events = try #require(try Self.plans()["events"])
        #expect(events.keySource == .synthetic)
        #expect(events.targetKey == ["_s2pg_row_id"])
        #expect(events.createTableSQL.contains(#""_s2pg_row_id" text NOT NULL"#))
        #expect(events.createTableSQL.contains(#"PRIMARY KEY ("_s2pg_row_id")"#))

        let declared = try #require(try Self.plans(SyncConfiguration(keys: ["events": ["kind", "at"]]))["events"])
        #expect(declared.keySource == .declared)
        #expect(declared.targetKey == ["kind", "at"])
        #expect(!declared.createTableSQL.contains("_s2pg_row_id"))
    }

    @Test("a unique key serves when there is no primary key")
    func uniqueKey() throws {
        let places = try #require(try Self.plans()["places"])
        #expect(places.keySource == .uniqueKey("uq_code"))
        #expect(places.cursor?.column == "Updated_At")
    }

    @Test("the DDL quotes every name, keeps case, adds metadata columns, only keys are NOT NULL, fillfactor for updates")
    func ddl() throws {
        let orders = try #require(try Self.plans()["orders"])
        #expect(
            orders.createTableSQL == """
                CREATE TABLE IF NOT EXISTS "mirror"."orders" (
                    "id" numeric(20,0) NOT NULL,
                    "region" character varying(2) NOT NULL,
                    "updated_at" timestamp(6) with time zone,
                    "_s2pg_synced_at" timestamp(6) with time zone NOT NULL DEFAULT now(),
                    PRIMARY KEY ("id", "region")
                ) WITH (fillfactor = 90)
                """)
        // A table that is only ever reloaded is packed.
        let events = try #require(try Self.plans()["events"])
        #expect(events.createTableSQL.hasSuffix("\n)"))
    }

    @Test("table selection: tables, exclude_tables")
    func selection() throws {
        #expect(try Self.plans(SyncConfiguration(tables: ["orders", "events"])).keys.sorted() == ["events", "orders"])
        #expect(try Self.plans(SyncConfiguration(excludeTables: ["orders"])).keys.sorted() == ["audit_log", "embeddings", "events", "places"])
    }

    @Test(
        "a configuration naming what the source lacks is an error naming it",
        arguments: [
            (SyncConfiguration(tables: ["Orders"]), "sync.tables names Orders, which is not a table of source database shop (table names are case-sensitive: did you mean orders?)"),
            (SyncConfiguration(excludeTables: ["nope"]), "sync.exclude_tables names nope, which is not a table of source database shop"),
            (SyncConfiguration(keys: ["nope": ["id"]]), "sync.keys names nope, which is not a table of source database shop"),
            (SyncConfiguration(keys: ["events": ["id"]]), "sync.keys.events: table events has no column id"),
            (SyncConfiguration(keys: ["events": ["body"]]), "sync.keys.events: column body is nullable; key columns must be NOT NULL"),
        ])
    func badSelection(_ sync: SyncConfiguration, _ message: String) {
        #expect { try Self.plans(sync) } throws: { ($0 as? S2PGError)?.message == message }
    }

    @Test("an unknown type maps to text with a warning in the plan")
    func unknownType() throws {
        var rows = Self.singleStoreRows
        rows.columns.append(Column(table: "events", name: "sketch", ordinal: 4, columnType: "hll", isNullable: true))
        let plan = try #require(try TablePlanner(sync: SyncConfiguration(), targetSchema: "m").plan(SourceCatalog(database: "d", rows: rows)).first { $0.sourceName == "events" })
        #expect(plan.columns.last?.mapped.postgres == .text)
        #expect(plan.warnings.count == 1)
        #expect(plan.warnings.first?.contains("sketch") == true)
    }

    @Test("a source column with s2pg's reserved prefix is refused")
    func reservedPrefix() {
        var rows = Self.singleStoreRows
        rows.columns.append(Column(table: "events", name: "_s2pg_synced_at", ordinal: 9, columnType: "int", isNullable: true))
        #expect { try TablePlanner(sync: SyncConfiguration(), targetSchema: "m").plan(SourceCatalog(database: "d", rows: rows)) }
            throws: { ($0 as? S2PGError)?.code == .catalog }
    }
}
