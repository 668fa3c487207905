/// A decoded source value, for the places that need Swift values (catalog queries, checks, tests).
/// The replication hot path reads `MariaDBRow` bytes directly instead.
public enum MariaDBValue: Hashable, Sendable {
    case null
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    /// Exact decimal text, as the server wrote it.
    case decimal(String)
    case text(String)
    case bytes([UInt8])
    /// DATE, TIME, DATETIME, TIMESTAMP and YEAR, as the server wrote them (zero dates included).
    case temporal(String)

    /// Decodes the text-protocol bytes of a value of `column`.
    public init(_ bytes: UnsafeRawBufferPointer?, column: MariaDBColumn) {
        guard let bytes else {
            self = .null
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        switch column.type {
        case .tiny, .short, .int24, .long, .longLong:
            if column.isUnsigned, let value = UInt64(text) {
                self = .uint(value)
            } else if let value = Int64(text) {
                self = .int(value)
            } else {
                self = .text(text)
            }
        case .float, .double:
            self = Double(text).map(MariaDBValue.double) ?? .text(text)
        case .decimal:
            self = .decimal(text)
        case .date, .time, .datetime, .timestamp, .year:
            self = .temporal(text)
        case .bit, .geometry, .other:
            self = .bytes(Array(bytes))
        case .char, .varChar, .blob, .enumeration, .set:
            self = column.isBinary ? .bytes(Array(bytes)) : .text(text)
        case .json:
            self = .text(text)
        case .null:
            self = .null
        }
    }
}
