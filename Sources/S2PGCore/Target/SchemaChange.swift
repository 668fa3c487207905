import PostgresClient

/// One difference between a table's plan and its mirror, and what s2pg does about it.
public enum SchemaChange: Sendable, Hashable, CustomStringConvertible {
    /// The mirror does not exist yet.
    case createTable
    /// The mirror cannot follow the source, but a reload is about to replace it with a new table: nothing to
    /// alter.
    case replaceTable
    /// A column new at the source: added (nullable), and the table is refilled by the next sync.
    case addColumn(String)
    /// The source type grew (VARCHAR(20) → VARCHAR(50), INT → BIGINT): the mirror's column is widened.
    case widenColumn(String, from: PostgresType, to: PostgresType)
    /// The source type shrank: the mirror's wider column still holds every value, so it is left alone.
    case keepWiderColumn(String, has: PostgresType, sourceNeeds: PostgresType)
    /// The column is gone at the source: kept in the mirror, no longer filled.
    case keepDroppedColumn(String)

    public var description: String {
        switch self {
        case .createTable: "create table"
        case .replaceTable: "the reload replaces the mirror with a table of the new shape"
        case .addColumn(let name): "add column \(name)"
        case .widenColumn(let name, let from, let to): "widen column \(name) from \(from) to \(to)"
        case .keepWiderColumn(let name, let has, let needs):
            "keep column \(name) as \(has) (the source now needs only \(needs))"
        case .keepDroppedColumn(let name): "keep column \(name), dropped at the source and no longer filled"
        }
    }

    /// The DDL that makes the change, if it takes any.
    func sql(for plan: TablePlan) -> String? {
        switch self {
        case .createTable:
            return plan.createTableSQL
        case .addColumn(let name):
            return "ALTER TABLE \(plan.qualifiedTargetName) ADD COLUMN \(plan.columnDefinition(name))"
        case .widenColumn(let name, _, let to):
            let column = PostgresIdentifier.quote(name)
            return "ALTER TABLE \(plan.qualifiedTargetName) ALTER COLUMN \(column) TYPE \(to) USING \(column)::\(to)"
        case .replaceTable, .keepWiderColumn, .keepDroppedColumn:
            return nil
        }
    }
}
