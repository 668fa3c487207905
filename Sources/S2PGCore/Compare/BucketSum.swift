/// One bucket's aggregate on one side (see `ComparisonQueries`): its row count and its two sums (of the rows'
/// hashes, or of the keys and their squares), as decimal text (exact, whatever their size).
public struct BucketSum: Sendable, Hashable {
    public var rows: Int
    public var sum1: String
    public var sum2: String

    public init(rows: Int, sum1: String, sum2: String) {
        self.rows = rows
        self.sum1 = sum1
        self.sum2 = sum2
    }

    /// From a `bucket, rows, sum1, sum2` result row.
    init?(_ row: [String?]) {
        guard row.count == 4, let rows = row[1].flatMap({ Int($0) }), let sum1 = row[2], let sum2 = row[3] else { return nil }
        self.init(rows: rows, sum1: Self.normalized(sum1), sum2: Self.normalized(sum2))
    }

    /// MySQL's SUM of unsigned integers is a DECIMAL and may print `.0` decimals on some servers; PostgreSQL's
    /// numeric prints none. Both name the same integer.
    static func normalized(_ sum: String) -> String {
        guard let point = sum.firstIndex(of: "."), sum[sum.index(after: point)...].allSatisfy({ $0 == "0" }) else { return sum }
        return String(sum[..<point])
    }

    /// The buckets whose aggregates differ (present on one side only, or different), in order.
    public static func differing(source: [Int: BucketSum], target: [Int: BucketSum]) -> [Int] {
        Set(source.keys).union(target.keys).filter { source[$0] != target[$0] }.sorted()
    }
}
