import CLibPQ

/// Sends `COPY ... FROM STDIN` data. Handed to the producer closure of `PostgresConnection.copy`; valid only
/// inside it.
public struct PostgresCopyWriter: ~Copyable {
    private let handle: OpaquePointer

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    /// Sends a chunk of COPY data. Chunks need not align with rows; larger chunks (64 KiB and up) mean
    /// fewer calls.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        guard !bytes.isEmpty else { return }
        let status = PQputCopyData(
            handle, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(clamping: bytes.count))
        if status != 1 {
            throw PostgresError(code: .copy, message: String(cString: PQerrorMessage(handle)))
        }
    }

    public func write(_ bytes: [UInt8]) throws(PostgresError) {
        let status = bytes.withUnsafeBytes { buffer in Result { () throws(PostgresError) in try write(buffer) } }
        try status.get()
    }
}
