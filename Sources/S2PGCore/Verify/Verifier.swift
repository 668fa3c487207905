import Logging
import MariaDBClient
import PostgresClient

/// `s2pg verify`: streams `(key, md5 of the row)` from both sides in the same key order and merges them, so
/// every missing, extra or different row is found, with memory that does not grow with the table.
public struct Verifier: Sendable {
    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// One (key, hash) pair.
    typealias Entry = (key: [UInt8], hash: [UInt8])

    public func verify(_ plan: TablePlan) async throws -> VerifyReport {
        let source = try await MariaDBConnection.connect(configuration.source.connection)
        // A VECTOR's form (packed or JSON) shows in its result column's character set.
        let probe = VerifyQueries(plan: plan).probeSQL
        let columns = try await source.run { try $0.query(probe).columns }
        let queries = VerifyQueries(
            plan: plan, encodings: zip(plan.columns, columns).map { ValueEncoding($0, resultIsBinary: $1.isBinary, zone: .utc) })
        var report = VerifyReport(table: plan.sourceName)
        report.uncomparedColumns = queries.uncomparedColumns
        let target = try await PostgresConnection.connect(configuration.target.connection)

        let channel = ChunkChannel<[Entry]>(capacity: 4)
        let sql = queries.source
        async let produced: Void = source.run { connection in
            do {
                var batch: [Entry] = []
                try connection.stream(sql) { row in
                    batch.append((Array(row[0] ?? UnsafeRawBufferPointer(start: nil, count: 0)), Array(row[1]!)))
                    if batch.count == 10_000 {
                        try channel.send(batch)
                        batch = []
                    }
                }
                if !batch.isEmpty { try channel.send(batch) }
                channel.finish()
            } catch {
                channel.finish(throwing: error)
            }
        }
        do {
            try await target.execute("BEGIN")
            try await target.execute("DECLARE s2pg_verify NO SCROLL CURSOR FOR \(queries.target)")
            var sourceEntries = SourceEntries(channel: channel)
            var targetBatch: [Entry] = []
            var targetIndex = 0
            func nextTarget() async throws -> Entry? {
                if targetIndex == targetBatch.count {
                    targetBatch = try await target.execute("FETCH 10000 FROM s2pg_verify").rows.map {
                        (Array($0[0]!.utf8), Array($0[1]!.utf8))
                    }
                    targetIndex = 0
                    if targetBatch.isEmpty { return nil }
                }
                defer { targetIndex += 1 }
                return targetBatch[targetIndex]
            }
            var left = try await sourceEntries.next()
            var right = try await nextTarget()
            while left != nil || right != nil {
                if let l = left, right == nil || l.key.lexicographicallyPrecedes(right!.key) {
                    report.sourceRows += 1
                    report.record(String(decoding: l.key, as: UTF8.self), in: \.missing, count: \.missingCount)
                    left = try await sourceEntries.next()
                } else if let r = right, left == nil || r.key.lexicographicallyPrecedes(left!.key) {
                    report.targetRows += 1
                    report.record(String(decoding: r.key, as: UTF8.self), in: \.extra, count: \.extraCount)
                    right = try await nextTarget()
                } else {
                    report.sourceRows += 1
                    report.targetRows += 1
                    if left!.hash != right!.hash {
                        report.record(String(decoding: left!.key, as: UTF8.self), in: \.different, count: \.differentCount)
                    }
                    left = try await sourceEntries.next()
                    right = try await nextTarget()
                }
            }
            try await target.execute("COMMIT")
        } catch {
            channel.cancel()
            await produced
            throw error
        }
        await produced
        return report
    }

    /// The source side of the merge, one entry at a time from the channel's batches.
    struct SourceEntries {
        let channel: ChunkChannel<[Entry]>
        var iterator: ChunkChannel<[Entry]>.Chunks.AsyncIterator
        var batch: [Entry] = []
        var index = 0

        init(channel: ChunkChannel<[Entry]>) {
            self.channel = channel
            iterator = channel.chunks.makeAsyncIterator()
        }

        mutating func next() async throws -> Entry? {
            while index == batch.count {
                guard let next = try await iterator.next() else { return nil }
                channel.consumed()
                batch = next
                index = 0
            }
            defer { index += 1 }
            return batch[index]
        }
    }
}
