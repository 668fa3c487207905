/// Rows read from the source, already in COPY text form, with what is needed to checkpoint after them.
public struct EncodedChunk: Sendable {
    public var data: [UInt8]
    public var rows: Int
    /// Where each row's line ends in `data`, for retrying rows one by one when PostgreSQL refuses the chunk.
    public var rowEnds: [Int]
    public var counts: ValuePolicyCounts
    /// `updated_at` text of the last row (incremental reads).
    public var lastUpdatedAt: String?
    /// Key of the last row as stored values (see `SourceLiteral`).
    public var lastKey: [String]?

    public init(
        data: [UInt8] = [], rows: Int = 0, rowEnds: [Int] = [], counts: ValuePolicyCounts = .init(),
        lastUpdatedAt: String? = nil, lastKey: [String]? = nil
    ) {
        self.data = data
        self.rows = rows
        self.rowEnds = rowEnds
        self.counts = counts
        self.lastUpdatedAt = lastUpdatedAt
        self.lastKey = lastKey
    }

    /// Appends the rows of `next`, read after these: its last row is now the last.
    mutating func append(_ next: EncodedChunk) {
        let offset = data.count
        data += next.data
        rowEnds += next.rowEnds.map { $0 + offset }
        rows += next.rows
        counts += next.counts
        lastUpdatedAt = next.lastUpdatedAt
        lastKey = next.lastKey
    }

    /// The lines of the chunk, one per row (the newline included).
    var lines: [ArraySlice<UInt8>] {
        var start = 0
        return rowEnds.map { end in
            defer { start = end }
            return data[start..<end]
        }
    }
}
