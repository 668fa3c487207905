import CLibPQ

/// Sends `COPY ... FROM STDIN` data. Handed to the producer closure of `PostgresConnection.copy`; valid only
/// inside it.
public struct PostgresCopyWriter: ~Copyable {
    private let handle: OpaquePointer

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    /// Sends a chunk of COPY data. Chunks need not align with rows; larger chunks (64 KiB and up) mean
    /// fewer calls. `PQputCopyData` takes at most `Int32.max` bytes a call, so more go in several.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        try write(bytes, callLimit: Int(Int32.max))
    }

    /// `write`, at most `callLimit` bytes a call (tests make it small).
    func write(_ bytes: UnsafeRawBufferPointer, callLimit: Int) throws(PostgresError) {
        var start = 0
        while start < bytes.count {
            let count = min(callLimit, bytes.count - start)
            let status = PQputCopyData(handle, (bytes.baseAddress! + start).assumingMemoryBound(to: CChar.self), Int32(count))
            if status != 1 {
                throw PostgresError(code: .copy, message: String(cString: PQerrorMessage(handle)))
            }
            start += count
        }
    }

    public func write(_ bytes: [UInt8]) throws(PostgresError) {
        let status = bytes.withUnsafeBytes { buffer in Result { () throws(PostgresError) in try write(buffer) } }
        try status.get()
    }
}
