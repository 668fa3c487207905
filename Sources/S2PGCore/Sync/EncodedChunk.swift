/// Rows read from the source, already in COPY text form, with what is needed to checkpoint after them.
public struct EncodedChunk: Sendable {
    public var data: [UInt8]
    public var rows: Int
    /// Where each row's line ends in `data`, for retrying rows one by one when PostgreSQL refuses the chunk.
    public var rowEnds: [Int]
    public var counts: ValuePolicyCounts
    /// `updated_at` text of the last row (incremental reads).
    public var lastUpdatedAt: String?
    /// Key of the last row as source literals.
    public var lastKey: [String]?

    /// The lines of the chunk, one per row (the newline included).
    var lines: [ArraySlice<UInt8>] {
        var start = 0
        return rowEnds.map { end in
            defer { start = end }
            return data[start..<end]
        }
    }
}
