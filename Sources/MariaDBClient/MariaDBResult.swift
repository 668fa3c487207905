/// A fully read result: for small queries (catalog, checks). Large results are streamed with
/// `MariaDBConnection.stream(_:_:)` instead.
public struct MariaDBResult: Sendable {
    public var columns: [MariaDBColumn]
    /// Each value as raw bytes, `nil` for NULL.
    public var rows: [[[UInt8]?]]

    public init(columns: [MariaDBColumn], rows: [[[UInt8]?]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The rows as UTF-8 text (`nil` for NULL): for catalog queries, whose values are all names and numbers.
    public var strings: [[String?]] {
        rows.map { row in row.map { $0.map { String(decoding: $0, as: UTF8.self) } } }
    }

    /// The rows decoded into Swift values, column by column.
    public var values: [[MariaDBValue]] {
        rows.map { row in
            zip(row, columns).map { bytes, column in
                bytes.withUnsafeBytesIfPresent { MariaDBValue($0, column: column) }
            }
        }
    }
}

extension Optional where Wrapped == [UInt8] {
    func withUnsafeBytesIfPresent<T>(_ body: (UnsafeRawBufferPointer?) -> T) -> T {
        switch self {
        case .none: body(nil)
        case .some(let bytes): bytes.withUnsafeBytes { body($0) }
        }
    }
}
