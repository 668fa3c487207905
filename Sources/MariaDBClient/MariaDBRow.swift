import CMariaDB

/// One row of a streamed result, borrowed from Connector/C.
///
/// Values are the bytes the text protocol sent, with their exact lengths, so 0x00 bytes and binary data
/// survive; SQL NULL is `nil`, distinct from an empty value. The row is valid only inside the callback that
/// receives it: copy what must outlive it.
public struct MariaDBRow {
    private let values: MYSQL_ROW
    private let lengths: UnsafeMutablePointer<UInt>
    public let count: Int

    /// A row over values laid out as Connector/C lays them out: `count` pointers (nil for NULL) and their
    /// lengths. Connections make these; benchmarks make them from memory.
    public init(values: MYSQL_ROW, lengths: UnsafeMutablePointer<UInt>, count: Int) {
        self.values = values
        self.lengths = lengths
        self.count = count
    }

    /// The raw bytes of column `index`, or `nil` for NULL.
    public subscript(index: Int) -> UnsafeRawBufferPointer? {
        precondition(index >= 0 && index < count, "column \(index) out of range 0..<\(count)")
        guard let value = values[index] else { return nil }
        return UnsafeRawBufferPointer(start: value, count: Int(lengths[index]))
    }

    /// The bytes of all its values together.
    public var byteCount: Int {
        (0..<count).reduce(0) { $0 + (values[$1] == nil ? 0 : Int(lengths[$1])) }
    }

    /// A copy of every value of the row.
    public func copied() -> [[UInt8]?] {
        (0..<count).map { self[$0].map { Array($0) } }
    }
}
