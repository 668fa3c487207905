import Foundation
import Logging
import MariaDBClient
import PostgresClient
@testable import S2PGCore
import Testing

/// Discovery against a live MariaDB and the mirror tables it leads to in a live PostgreSQL.
@Suite("Catalog and schema", .enabled(if: LiveDatabases.enabled))
struct CatalogTests {
    static let logger = Logger(label: "s2pg.test")
    static let longName = String(repeating: "t", count: 60) + "_end"  // 64 characters, MySQL's maximum

    /// A source database with every MySQL type, awkward names, and each kind of key.
    static let sourceDDL = [
        """
        CREATE TABLE every_type (
          id BIGINT UNSIGNED NOT NULL PRIMARY KEY, ti TINYINT, tb TINYINT(1), tu TINYINT UNSIGNED, si SMALLINT,
          su SMALLINT UNSIGNED, mi MEDIUMINT, mu MEDIUMINT UNSIGNED, i INT, iu INT(10) UNSIGNED ZEROFILL, bi BIGINT,
          bu BIGINT UNSIGNED, d DECIMAL(65,30), f FLOAT, db DOUBLE, b BIT(10), c CHAR(10), vc VARCHAR(255) CHARACTER SET latin1,
          tt TINYTEXT, t TEXT, mt MEDIUMTEXT, lt LONGTEXT, bn BINARY(16), vb VARBINARY(64), tbl TINYBLOB, bl BLOB,
          mb MEDIUMBLOB, lb LONGBLOB, dt DATE, dtm DATETIME, dt6 DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6), y YEAR,
          e ENUM('a''b', ''), s SET('x', 'y'), g GEOMETRY, p POINT, updated_at DATETIME(6) NOT NULL
        )
        """,
        "CREATE TABLE `order` (`group` INT NOT NULL, `Select` VARCHAR(10), `User` INT, updated_at TIMESTAMP(6) NOT NULL, PRIMARY KEY (`group`))",
        "CREATE TABLE `Orders` (id INT NOT NULL PRIMARY KEY, updated_at DATETIME NOT NULL)",
        "CREATE TABLE `orders` (id INT NOT NULL PRIMARY KEY, updated_at DATETIME NOT NULL, KEY (updated_at))",
        "CREATE TABLE `\(longName)` (id INT NOT NULL PRIMARY KEY, `\(longName)` INT)",
        "CREATE TABLE line_items (order_id INT NOT NULL, line INT NOT NULL, sku VARCHAR(20), updated_at DATETIME(3) NOT NULL, PRIMARY KEY (order_id, line))",
        "CREATE TABLE page_views (path VARCHAR(100), viewed_at DATETIME)",
        "CREATE TABLE countries (code CHAR(2) NOT NULL, name VARCHAR(50), UNIQUE KEY uq_code (code))",
        "CREATE VIEW recent_orders AS SELECT * FROM orders",
    ]

    static func withSource<T>(_ body: (MariaDBConnection, Configuration) async throws -> T) async throws -> T {
        try await LiveDatabases.withMariaDB { connection in
            for statement in sourceDDL { try await connection.execute(statement) }
            let database = try await connection.query("SELECT DATABASE()").strings[0][0]!
            var source = try LiveDatabases.mariaDB(database: database)
            source.tls = .disabled
            let configuration = Configuration(
                source: SourceConfiguration(connection: source),
                target: TargetConfiguration(connection: try LiveDatabases.postgres()),
                sync: SyncConfiguration())
            return try await body(connection, configuration)
        }
    }

    /// `withSource`, plus a target schema and a migrated state schema beside it.
    static func withMirror(
        _ body: (MariaDBConnection, Configuration, PostgresConnection, String, SchemaReconciler) async throws -> Void
    ) async throws {
        try await withSource { source, configuration in
            try await LiveDatabases.withPostgresSchema { postgres, schema in
                let reconciler = SchemaReconciler(stateSchema: schema + "_state")
                try await Migrator(schema: reconciler.stateSchema).migrate(postgres, logger: Self.logger)
                try await body(source, configuration, postgres, schema, reconciler)
            }
        }
    }

    @Test("discovery finds base tables only, with keys, modes and cursors")
    func discovery() async throws {
        let plans = try await Self.withSource { _, configuration in
            try await Discovery.run(configuration, logger: Self.logger)
        }
        let byName = Dictionary(uniqueKeysWithValues: plans.map { ($0.sourceName, $0) })
        #expect(plans.map(\.sourceName).sorted() == ["Orders", "countries", "every_type", "line_items", "order", "orders", "page_views", Self.longName].sorted())
        #expect(byName["every_type"]?.mode == .incremental)
        #expect(byName["every_type"]?.columns.count == 39)
        #expect(byName["order"]?.key == ["group"])
        #expect(byName["order"]?.cursor == TablePlan.Cursor(column: "updated_at", isTimestamp: true, precision: 6))
        #expect(byName["line_items"]?.key == ["order_id", "line"])
        #expect(byName["line_items"]?.cursor?.precision == 3)
        // A cursor column no index starts with makes every window a scan of the table.
        #expect(byName["line_items"]?.warnings == [
            "updated_at leads no index, so every window reads the whole table; add one: CREATE INDEX ... ON `line_items` (`updated_at`)",
        ])
        #expect(byName["orders"]?.warnings == [])
        #expect(byName["page_views"]?.mode == .full)
        #expect(byName["page_views"]?.keySource == .synthetic)
        #expect(byName["countries"]?.keySource == .uniqueKey("uq_code"))
        #expect(byName["countries"]?.mode == .full)
        #expect(byName["Orders"]?.targetName == "Orders")
        #expect(byName["orders"]?.targetName == "orders")
        let long = try #require(byName[Self.longName])
        #expect(long.targetName.utf8.count <= 63)
        #expect(long.targetName != Self.longName)
        #expect(long.columns[1].targetName.utf8.count <= 63)
    }

    @Test("MariaDB is told from SingleStore; SingleStore's pre-7.8.1 way of telling table-valued functions runs here too")
    func dialect() async throws {
        try await LiveDatabases.withMariaDB { source in
            #expect(try await source.run { try SourceDialect.detect(on: $0) } == .mariaDB)
            // SingleStore before 7.8.1 has no FLAGS: a table-valued function is a "table" with a routine of the
            // same name. MariaDB lists no functions as tables, but a routine named like a table shows the query.
            try await source.execute("CREATE TABLE kept (id INT NOT NULL PRIMARY KEY)")
            try await source.execute("CREATE TABLE recent (id INT NOT NULL PRIMARY KEY)")
            try await source.execute("CREATE FUNCTION recent() RETURNS INT DETERMINISTIC RETURN 1")
            let rows = try await source.query(SourceDialect.singleStore(version: "7.5.12").tablesSQL).strings
            let tables = rows.map { SourceCatalogRows.Table(name: $0[0]!, type: $0[1]!, flags: $0[2].flatMap { UInt64($0) }) }
            #expect(tables.filter(\.isSyncable).map(\.name).sorted() == ["kept"])
            // SingleStore's check for UNENFORCED keys reads SHOW CREATE TABLE; MariaDB's has none to find.
            try await source.execute("CREATE TABLE coded (id INT NOT NULL, code CHAR(3) NOT NULL, UNIQUE KEY uq_code (code))")
            let definition = try await source.query("SHOW CREATE TABLE coded").strings[0][1]!
            #expect(definition.contains("UNIQUE KEY `uq_code` (`code`)"))
            #expect(SourceDialect.unenforcedKeys(inCreateTable: definition).isEmpty)
        }
    }

    @Test("every MySQL type maps as the README's table says")
    func everyTypeMapping() async throws {
        let plans = try await Self.withSource { _, configuration in
            try await Discovery.run(configuration, logger: Self.logger)
        }
        let columns = try #require(plans.first { $0.sourceName == "every_type" }).columns
        let types = Dictionary(uniqueKeysWithValues: columns.map { ($0.sourceName, $0.mapped.postgres.description) })
        let expected: [String: String] = [
            "id": "numeric(20,0)", "ti": "smallint", "tb": "smallint", "tu": "smallint", "si": "smallint",
            "su": "integer", "mi": "integer", "mu": "integer", "i": "integer", "iu": "bigint", "bi": "bigint",
            "bu": "numeric(20,0)", "d": "numeric(65,30)", "f": "real", "db": "double precision", "b": "bit varying(10)",
            "c": "character varying(10)", "vc": "character varying(255)", "tt": "text", "t": "text", "mt": "text",
            "lt": "text", "bn": "bytea", "vb": "bytea", "tbl": "bytea", "bl": "bytea", "mb": "bytea", "lb": "bytea",
            "dt": "date", "dtm": "timestamp(0) without time zone", "dt6": "timestamp(6) without time zone",
            "ts": "timestamp(6) with time zone", "tm": "interval(6)", "y": "smallint", "e": "text", "s": "text[]",
            "g": "text", "p": "text", "updated_at": "timestamp(6) without time zone",
        ]
        #expect(types == expected)
        #expect(columns.filter { $0.mapped.read == .spatialAsText }.map(\.sourceName) == ["g", "p"])
    }

    @Test("s2pg discover prints each table's plan as text and as JSON")
    func discoverCommand() async throws {
        try await Self.withSource { _, configuration in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(LiveDatabases.uniqueName("config") + ".json")
            let source = configuration.source.connection
            let target = configuration.target.connection
            let json = """
                {"source": {"host": "\(source.host)", "port": \(source.port), "user": "\(source.user)", "database": "\(source.database!)", "tls": "disabled"},
                 "target": {"host": "\(target.host!)", "port": \(target.port!), "user": "\(target.user!)", "database": "\(target.database!)"}}
                """
            try json.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let environment = ["S2PG_SOURCE_PASSWORD": source.password!]

            let text = try await S2PGProcess.run(["discover", "--config", file.path], environment: environment)
            #expect(text.status == 0, "\(text.error)")
            #expect(text.output.contains("line_items → public.line_items  incremental by updated_at, key (order_id, line) from primary key"))
            #expect(text.output.contains("page_views → public.page_views  full (no updated_at column), key (_s2pg_row_id) from synthetic row id"))
            #expect(text.output.contains(#"CREATE TABLE IF NOT EXISTS "public"."order" ("#))
            #expect(text.output.contains("8 tables: 5 incremental, 3 full"))
            #expect(text.output.contains("  warning: updated_at leads no index, so every window reads the whole table"))
            #expect(!text.output.contains(source.password!) && !text.error.contains(source.password!))

            let report = try await S2PGProcess.run(["discover", "--json", "--config", file.path], environment: environment)
            #expect(report.status == 0, "\(report.error)")
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let tables = try decoder.decode([TablePlanReport].self, from: Data(report.output.utf8))
            let order = try #require(tables.first { $0.table == "order" })
            #expect(order.mode == "incremental")
            #expect(order.key == ["group"])
            #expect(order.columns.map(\.name) == ["group", "Select", "User", "updated_at"])
            #expect(order.columns.first?.postgresType == "integer")
        }
    }

    @Test("the created mirror tables have the planned columns, types and keys")
    func createdTables() async throws {
        try await Self.withMirror { source, configuration, postgres, schema, reconciler in
            let stateSchema = reconciler.stateSchema
            let plans = try TablePlanner(sync: configuration.sync, targetSchema: schema)
                .plan(try await SourceCatalog.load(from: source))
            for plan in plans {
                #expect(try await reconciler.reconcile(plan, on: postgres, logger: Self.logger) == [.createTable])
                let shape = try await TargetTableShape.load(schema: schema, table: plan.targetName, from: postgres)
                #expect(shape?.columns.map(\.name) == plan.targetColumns.map(\.name))
                #expect(shape?.columns.map(\.type) == plan.targetColumns.map(\.type))
                #expect(shape?.primaryKey == plan.targetKey)
                // A second pass finds nothing to do.
                #expect(try await reconciler.reconcile(plan, on: postgres, logger: Self.logger).isEmpty)
            }
            let state = try await postgres.execute(
                "SELECT source_table, target_table, mode FROM \(PostgresIdentifier.qualified(stateSchema, "table_state")) ORDER BY 1")
            #expect(state.rows == plans.sorted { $0.sourceName < $1.sourceName }.map { [$0.sourceName, $0.targetName, $0.mode.rawValue] })
            let long = try #require(plans.first { $0.sourceName == Self.longName })
            let mapped = try await postgres.execute(
                "SELECT target_column FROM \(PostgresIdentifier.qualified(stateSchema, "column_map")) WHERE source_table = $1 AND source_column = $1",
                [Self.longName])
            #expect(mapped.rows == [[long.columns[1].targetName]])
            // Reserved words and mixed case work as names.
            try await postgres.execute(#"INSERT INTO "order" ("group", "Select", "User", updated_at, _s2pg_synced_at) VALUES (1, 'x', 2, now(), now())"#)
            #expect(try await postgres.execute(#"SELECT "Select" FROM "order""#).rows == [["x"]])
        }
    }

    @Test("schema drift: an added column is added and marks a refill, a widened one is widened, a dropped one kept")
    func drift() async throws {
        try await Self.withMirror { source, _, postgres, schema, reconciler in
            let stateSchema = reconciler.stateSchema
            let sync = SyncConfiguration(tables: ["line_items"])
            func plan() async throws -> TablePlan {
                try TablePlanner(sync: sync, targetSchema: schema).plan(try await SourceCatalog.load(from: source))[0]
            }
            try await reconciler.reconcile(try await plan(), on: postgres, logger: Self.logger)

            try await source.execute("ALTER TABLE line_items ADD COLUMN qty INT NOT NULL DEFAULT 1")
            try await source.execute("ALTER TABLE line_items MODIFY sku VARCHAR(50)")
            try await source.execute("ALTER TABLE line_items MODIFY line BIGINT NOT NULL")
            let changes = try await reconciler.reconcile(try await plan(), on: postgres, logger: Self.logger)
            #expect(Set(changes) == [
                .addColumn("qty"), .widenColumn("sku", from: .varchar(20), to: .varchar(50)),
                .widenColumn("line", from: .integer, to: .bigint),
            ])
            let shape = try #require(try await TargetTableShape.load(schema: schema, table: "line_items", from: postgres))
            #expect(shape.columns.first { $0.name == "qty" }?.type == .integer)
            #expect(shape.columns.first { $0.name == "sku" }?.type == .varchar(50))
            #expect(shape.columns.first { $0.name == "line" }?.type == .bigint)
            let refill = try await postgres.execute(
                "SELECT refill_reason FROM \(PostgresIdentifier.qualified(stateSchema, "table_state")) WHERE source_table = 'line_items'")
            #expect(refill.rows == [["columns added: qty"]])

            try await source.execute("ALTER TABLE line_items DROP COLUMN sku")
            #expect(try await reconciler.reconcile(try await plan(), on: postgres, logger: Self.logger) == [.keepDroppedColumn("sku")])
            let kept = try await TargetTableShape.load(schema: schema, table: "line_items", from: postgres)
            #expect(kept?.columns.contains { $0.name == "sku" } == true)

            try await source.execute("ALTER TABLE line_items MODIFY qty VARCHAR(10)")
            await #expect(throws: S2PGError.self) {
                try await reconciler.reconcile(try await plan(), on: postgres, logger: Self.logger)
            }
            // The failed reconcile changed nothing.
            let unchanged = try await TargetTableShape.load(schema: schema, table: "line_items", from: postgres)
            #expect(unchanged?.columns.first { $0.name == "qty" }?.type == .integer)
        }
    }
}
