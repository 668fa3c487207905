@testable import S2PGCore

/// A table's plan as `TablePlanner` makes it, from column names and MySQL column types (key columns NOT
/// NULL, the rest nullable): the one plan builder of the unit tests.
enum TestPlan {
    static func make(
        _ columns: [(String, String)], key: [String] = ["id"], table: String = "t", sync: SyncConfiguration = SyncConfiguration()
    ) throws -> TablePlan {
        let rows = SourceCatalogRows(
            tables: [.init(name: table)],
            columns: columns.enumerated().map {
                .init(table: table, name: $1.0, ordinal: $0 + 1, columnType: $1.1, isNullable: !key.contains($1.0))
            },
            uniqueKeys: key.enumerated().map { .init(table: table, index: "PRIMARY", sequence: $0 + 1, column: $1) })
        return try TablePlanner(sync: sync, targetSchema: "public").plan(SourceCatalog(database: "d", rows: rows))[0]
    }
}
