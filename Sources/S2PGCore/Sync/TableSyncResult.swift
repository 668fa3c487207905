/// What one table's sync did, for the summary and the logs.
public struct TableSyncResult: Sendable {
    public enum Kind: String, Sendable {
        case incremental
        case reload
    }

    public var table: String
    public var kind: Kind
    public var rows: Int
    public var pages: Int
    public var rejected: Int
    public var seconds: Double
    public var counts: ValuePolicyCounts

    public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
}
