import MariaDBClient

/// The cursor and key values of the latest row read, copied into reused buffers (the row itself is only
/// valid inside its callback), turned into stored values once a page or chunk is complete.
struct RowMarker {
    let keyIndexes: [Int]
    let keyEncodings: [ValueEncoding]
    let cursorIndex: Int?
    private var keyValues: [[UInt8]]
    private var cursorValue: [UInt8] = []

    init(queries: SourceQueries, encodings: [ValueEncoding]) {
        keyIndexes = queries.keyIndexes
        keyEncodings = keyIndexes.map { encodings[$0] }
        cursorIndex = queries.cursorIndex
        keyValues = Array(repeating: [], count: keyIndexes.count)
    }

    mutating func capture(_ row: borrowing MariaDBRow) {
        for (slot, index) in keyIndexes.enumerated() {
            keyValues[slot].removeAll(keepingCapacity: true)
            if let bytes = row[index] { keyValues[slot].append(contentsOf: bytes) }
        }
        if let cursorIndex {
            cursorValue.removeAll(keepingCapacity: true)
            if let bytes = row[cursorIndex] { cursorValue.append(contentsOf: bytes) }
        }
    }

    /// The key as stored values (`SourceLiteral` renders them); `nil` for a keyless table.
    var key: [String]? {
        guard !keyIndexes.isEmpty else { return nil }
        return zip(keyValues, keyEncodings).map { value, encoding in
            value.withUnsafeBytes { SourceLiteral.value($0, encoding: encoding) }
        }
    }

    var updatedAt: String? {
        cursorIndex == nil ? nil : String(decoding: cursorValue, as: UTF8.self)
    }
}
