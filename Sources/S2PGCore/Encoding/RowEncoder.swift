import MariaDBClient

/// What `SourceReader` encodes rows with: `CopyEncoder` (COPY text) or `BinaryCopyEncoder`.
protocol RowEncoder {
    /// The COPY data so far; the reader sends and clears it.
    var output: [UInt8] { get set }
    var counts: ValuePolicyCounts { get set }
    /// Takes in the result's columns, before its first row.
    mutating func adopt(_ result: [MariaDBColumn], of plan: TablePlan)
    /// Appends one row (with its ordinal, text only), flushing pieces of a large row as `CopyEncoder` does.
    mutating func append(_ row: borrowing MariaDBRow, ordinal: Int?, pieceBytes: Int, flush: ([UInt8]) throws -> Void) rethrows
}

extension CopyEncoder: RowEncoder {
    /// A VECTOR's form (packed or JSON) shows in its result column's character set.
    mutating func adopt(_ result: [MariaDBColumn], of plan: TablePlan) {
        encodings = zip(plan.columns, result).map { ValueEncoding($0, resultIsBinary: $1.isBinary, zone: plan.sourceZone) }
    }
}

extension BinaryCopyEncoder: RowEncoder {
    /// Nothing to take in: the columns with a binary form read the same in every result.
    mutating func adopt(_ result: [MariaDBColumn], of plan: TablePlan) {}

    mutating func append(_ row: borrowing MariaDBRow, ordinal: Int?, pieceBytes: Int, flush: ([UInt8]) throws -> Void) rethrows {
        precondition(ordinal == nil, "binary COPY rows carry no ordinal: only reloads copy in binary")
        try append(row, pieceBytes: pieceBytes, flush: flush)
    }
}
