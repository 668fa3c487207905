import MariaDBClient

/// Streams one source query as chunks of COPY data (text, or binary for a reload that can: `CopyFormat`): the source connection's own thread reads and encodes
/// chunk n+1 while the caller writes chunk n to PostgreSQL, joined by a two-chunk `ChunkChannel`
/// (back-pressure, not buffering). Both reloads and incremental pages read this way. Chunks are bounded by
/// rows and by bytes; a row larger than `largeRowBytes` goes alone, in pieces of about `chunkBytes` (see
/// `EncodedChunk`), so memory stays a few chunks plus the one row Connector/C holds.
struct SourceReader: Sendable {
    let queries: SourceQueries
    let encodings: [ValueEncoding]

    init(queries: SourceQueries) {
        self.queries = queries
        encodings = queries.plan.columns.map { ValueEncoding($0) }
    }

    /// A chunk ends at the first row boundary past this many bytes of COPY data.
    static let chunkBytes = 4 << 20
    /// A row of more source bytes than this is encoded alone and handed over in pieces.
    static let largeRowBytes = chunkBytes / 2

    /// Runs `sql` and calls `write` with each chunk of up to `chunkRows` rows, in order. With `numbered`,
    /// rows carry their ordinal in the whole result (the staging table's order column). Every chunk that
    /// ends rows carries the cursor and key of its last row. A cancelled task stops the read and this throws
    /// `CancellationError` (see `ChunkChannel.chunks`).
    func read(
        _ sql: String, from source: MariaDBConnection, chunkRows: Int, numbered: Bool, format: CopyFormat = .text,
        _ write: (EncodedChunk) async throws -> Void
    ) async throws {
        let channel = ChunkChannel<EncodedChunk>(capacity: 2)
        let queries = queries
        let encodings = encodings
        async let produced: Void = source.run { connection in
            do {
                let marker = RowMarker(queries: queries, encodings: encodings)
                switch format {
                case .text:
                    var encoder = CopyEncoder(encodings: encodings)
                    try Self.produce(sql, on: connection, into: channel, plan: queries.plan, encoder: &encoder, marker: marker, chunkRows: chunkRows, numbered: numbered)
                case .binary(let fields):
                    var encoder = BinaryCopyEncoder(fields: fields)
                    try Self.produce(sql, on: connection, into: channel, plan: queries.plan, encoder: &encoder, marker: marker, chunkRows: chunkRows, numbered: numbered)
                }
                channel.finish()
            } catch {
                channel.finish(throwing: error)
            }
        }
        do {
            for try await chunk in channel.chunks {
                try await write(chunk)
                channel.consumed()
            }
        } catch {
            channel.cancel()
            await produced
            throw error
        }
        await produced
    }

    /// The reading side: streams `sql` on the source connection's own thread, encoding rows into chunks.
    private static func produce<Encoder: RowEncoder>(
        _ sql: String, on connection: isolated MariaDBConnection, into channel: ChunkChannel<EncodedChunk>, plan: TablePlan,
        encoder: inout Encoder, marker: RowMarker, chunkRows: Int, numbered: Bool
    ) throws {
        var marker = marker
        var rowEnds: [Int] = []
        var ordinal = 0
        func send(isSplit: Bool = false) throws {
            var chunk = EncodedChunk(
                data: encoder.output, rows: rowEnds.count, rowEnds: rowEnds, counts: encoder.counts,
                lastUpdatedAt: marker.updatedAt, lastKey: marker.key)
            chunk.isSplit = isSplit
            try channel.send(chunk)
            encoder.output = []
            encoder.output.reserveCapacity(1 << 17)
            encoder.counts = ValuePolicyCounts()
            rowEnds.removeAll(keepingCapacity: true)
        }
        try connection.stream(sql, columns: { encoder.adopt($0, of: plan) }) { row in
            let large = row.byteCount > largeRowBytes
            let number = numbered ? ordinal : nil
            var split = false
            if large {
                if !rowEnds.isEmpty { try send() }
                try encoder.append(row, ordinal: number, pieceBytes: chunkBytes) { piece in
                    split = true
                    try channel.send(EncodedChunk(piece: piece))
                }
            } else {
                encoder.append(row, ordinal: number, pieceBytes: .max) { _ in }
            }
            ordinal += 1
            rowEnds.append(encoder.output.count)
            marker.capture(row)
            if large || rowEnds.count == chunkRows || encoder.output.count >= chunkBytes { try send(isSplit: split) }
        }
        if !rowEnds.isEmpty { try send() }
    }
}
