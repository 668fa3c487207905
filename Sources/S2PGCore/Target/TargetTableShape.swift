import PostgresClient

/// A mirror table as it exists in PostgreSQL: its columns and primary key.
public struct TargetTableShape: Sendable, Hashable {
    /// In column order.
    public var columns: [(name: String, type: PostgresType)]
    public var primaryKey: [String]

    public init(columns: [(name: String, type: PostgresType)], primaryKey: [String]) {
        self.columns = columns
        self.primaryKey = primaryKey
    }

    public static func == (lhs: TargetTableShape, rhs: TargetTableShape) -> Bool {
        lhs.columns.map(\.name) == rhs.columns.map(\.name) && lhs.columns.map(\.type) == rhs.columns.map(\.type)
            && lhs.primaryKey == rhs.primaryKey
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(columns.map(\.name))
        hasher.combine(primaryKey)
    }

    /// Reads `schema.table` from the target's catalog; `nil` when it does not exist.
    public static func load(schema: String, table: String, from connection: PostgresConnection) async throws -> TargetTableShape? {
        try await connection.run { try read(schema: schema, table: table, on: $0) }
    }

    /// The tables (ordinary or partitioned) of `schema` and their shapes, in two queries however many.
    static func all(in schema: String, on connection: isolated PostgresConnection) throws -> [String: TargetTableShape] {
        try shapes(schema: schema, table: nil, on: connection)
    }

    /// `load`, on the connection's own queue, inside a caller's transaction.
    static func read(schema: String, table: String, on connection: isolated PostgresConnection) throws -> TargetTableShape? {
        try shapes(schema: schema, table: table, on: connection)[table]
    }

    /// The shapes of `schema`'s tables, or of the one named `table`.
    private static func shapes(schema: String, table: String?, on connection: isolated PostgresConnection) throws -> [String: TargetTableShape] {
        let columns = try connection.execute(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND ($2::text IS NULL OR c.relname = $2) AND c.relkind IN ('r', 'p') AND a.attnum > 0
                AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum
            """, [schema, table]
        ).rows
        let keys = try connection.execute(
            """
            SELECT c.relname, a.attname
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE n.nspname = $1 AND ($2::text IS NULL OR c.relname = $2) AND i.indisprimary
            ORDER BY c.relname, array_position(i.indkey::smallint[], a.attnum)
            """, [schema, table]
        ).rows
        let key = Dictionary(grouping: keys, by: { $0[0]! }).mapValues { $0.map { $0[1]! } }
        // Grouping keeps each table's rows in their order.
        return Dictionary(grouping: columns, by: { $0[0]! }).reduce(into: [:]) { shapes, table in
            shapes[table.key] = TargetTableShape(
                columns: table.value.map { ($0[1]!, PostgresType(formatType: $0[2]!)) }, primaryKey: key[table.key] ?? [])
        }
    }
}
