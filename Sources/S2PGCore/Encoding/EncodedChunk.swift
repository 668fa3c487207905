/// Rows read from the source, already in COPY form (text, or binary tuples for a reload), with what is needed to checkpoint after them.
///
/// A row too large for one chunk comes alone and in pieces: chunks with `continues` set (no rows of their
/// own), then the one that ends it, with `isSplit` set. COPY data need not align with rows, so the pieces
/// are written as they come; only that row's whole line is never in memory.
public struct EncodedChunk: Sendable {
    public var data: [UInt8]
    public var rows: Int
    /// Where each row's line (or tuple) ends in `data`, for retrying rows one by one when PostgreSQL refuses the chunk.
    public var rowEnds: [Int]
    public var counts: ValuePolicyCounts
    /// `updated_at` text of the last row (incremental reads).
    public var lastUpdatedAt: String?
    /// Key of the last row as stored values (see `SourceLiteral`).
    public var lastKey: [String]?
    /// More of this chunk's data follows in the next chunk (a piece of a large row).
    public var continues = false
    /// The chunk's one row began in earlier pieces: `lines` does not hold it whole.
    public var isSplit = false

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

    /// A piece of a large row: its data only.
    init(piece: [UInt8]) {
        self.init(data: piece)
        continues = true
    }

    /// Counts the rows of `next`, read after these, without their data: its last row is now the last.
    mutating func count(_ next: EncodedChunk) {
        guard !next.continues else { return }
        rows += next.rows
        counts += next.counts
        lastUpdatedAt = next.lastUpdatedAt
        lastKey = next.lastKey
    }

    /// The lines of the chunk, one per row (the newline included), or its binary tuples.
    var lines: [ArraySlice<UInt8>] {
        var start = 0
        return rowEnds.map { end in
            defer { start = end }
            return data[start..<end]
        }
    }
}
