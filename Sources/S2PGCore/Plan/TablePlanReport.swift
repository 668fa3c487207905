/// A `TablePlan` as `s2pg discover --json` prints it: stable keys for scripts.
public struct TablePlanReport: Codable, Sendable, Equatable {
    public struct Column: Codable, Sendable, Equatable {
        public var name: String
        public var targetName: String
        public var sourceType: String
        public var postgresType: String
        public var key: Bool
    }

    public var table: String
    public var target: String
    public var mode: String
    public var modeReason: String?
    public var key: [String]
    public var keySource: String
    public var cursorColumn: String?
    public var columns: [Column]
    public var warnings: [String]
    public var ddl: String

    public init(_ plan: TablePlan) {
        table = plan.sourceName
        target = "\(plan.targetSchema).\(plan.targetName)"
        mode = plan.mode.rawValue
        modeReason = plan.modeReason
        key = plan.targetKey
        keySource = switch plan.keySource {
        case .primaryKey: "primary key"
        case .uniqueKey(let name): "unique key \(name)"
        case .declared: "sync.keys"
        case .synthetic: "synthetic row id"
        }
        cursorColumn = plan.cursor?.column
        columns = plan.columns.map {
            Column(
                name: $0.sourceName, targetName: $0.targetName, sourceType: $0.sourceType.description,
                postgresType: $0.mapped.postgres.description, key: $0.isKey)
        }
        warnings = plan.warnings
        ddl = plan.createTableSQL
    }
}
