/// The result of a statement: its rows as text (`nil` for NULL) and the affected-row count.
public struct PostgresRows: Sendable {
    public var columns: [String]
    public var rows: [[String?]]
    /// `PQcmdTuples`: rows inserted, updated, deleted or copied; 0 when the command reports none.
    public var affectedRows: Int

    public init(columns: [String], rows: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }
}
