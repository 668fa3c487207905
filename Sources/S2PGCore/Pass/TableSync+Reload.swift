import Logging
import MariaDBClient
import PostgresClient

/// A table's reload: read whole into a load table, in parts over several streams when large, then swapped in.
extension TableSync {
    /// Rows each part of a reload in several streams gets at least: a smaller table goes in one stream.
    static let partRowsMinimum = 50_000

    func reload(_ state: TableState, source: MariaDBConnection, target: PostgresConnection) async throws -> TableSyncResult {
        let writer = writer
        let resuming = try await target.run { try writer.canResume(state, on: $0) }
        var result = TableSyncResult(table: plan.sourceName, kind: .reload, rows: 0, pages: 0, rejected: 0, seconds: 0, counts: .init())
        let estimateSQL = queries.rowEstimate
        let estimated = try await source.run { try $0.query(estimateSQL).strings.first?[0].flatMap { Int($0) } ?? 0 }
        let startedAt: String?
        // None: one stream, its progress in the table's state.
        var parts: [ReloadParts.Part]
        if resuming {
            startedAt = state.fullLoadStartedAt
            parts = try await target.run { try writer.parts.all(on: $0) }
            logger.info("resuming the reload where it stopped")
            logger.debug("resuming after key \(state.fullLoadKey?.joined(separator: ", ") ?? "(start)")")
        } else {
            // The read bound before the first row is read: the incremental cursor once the reload is in place.
            // Rows at or past it (the clock's open tick, an open transaction's) are read again from there.
            if plan.cursor != nil {
                let (now, bound) = try await readBound(source)
                startedAt = bound.bound.description
                result.held = .init(microseconds: bound.held(behind: now), transaction: bound.heldBy)
            } else {
                startedAt = nil
            }
            parts = try await split(estimated: estimated, source: source)
            try await target.run { [parts] in try writer.beginReload(startedAt: startedAt, parts: parts, on: $0) }
        }
        logger.info("Reloading \(plan.sourceName)\(parts.isEmpty ? "" : " in \(parts.count) parts, \(parts.filter { !$0.finished }.count) to copy")")

        result.foundChanges = true
        let progress = Locked(Progress(
            reload: ReloadProgress(
                table: plan.sourceName, estimated: estimated,
                done: resuming ? try await target.run { try writer.loadedRows(on: $0) } : 0, every: .seconds(progressLine == nil ? 10 : 1))))
        defer { if progress.withLock({ $0.drawn }) { progressLine?(nil) } }
        let copied: [TableSyncResult]
        if parts.isEmpty {
            copied = [try await copy(after: resuming ? state.fullLoadKey : nil, through: nil, part: nil, source: source, target: target, progress)]
        } else {
            let configuration = configuration
            copied = try await withThrowingTaskGroup(of: TableSyncResult.self) { group in
                // The first part on this table's own connections, each other on a pair of its own.
                for (stream, part) in parts.filter({ !$0.finished }).enumerated() {
                    group.addTask {
                        guard stream > 0 else { return try await copy(part, source: source, target: target, progress) }
                        let source = try await MariaDBConnection.connect(configuration.source.connection)
                        let target = try await PostgresConnection.connect(configuration.target.connection)
                        try await target.execute("SET synchronous_commit = off")
                        return try await copy(part, source: source, target: target, progress)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        for part in copied {
            result.rows += part.rows
            result.pages += part.pages
            result.rejected += part.rejected
            result.counts += part.counts
        }
        if progress.withLock({ $0.drawn }) { progressLine?(nil) }
        progress.withLock { $0.drawn = false }
        let copiedRows = resuming ? nil : result.rows - result.rejected
        let total = try await target.run { try writer.finishReload(cursor: startedAt, copied: copiedRows, on: $0) }
        logger.info("Reloaded: \(total) rows in the mirror")
        return result
    }

    /// A reload's progress shared by its streams, and whether its live line is drawn.
    struct Progress: Sendable {
        var reload: ReloadProgress
        var drawn = false
    }

    /// Parts of the key range for `sync.parallel_streams` streams, bounded by the keys of rows spread
    /// evenly over the catalog's estimate; none (one stream) for a keyless table or a small one.
    private func split(estimated: Int, source: MariaDBConnection) async throws -> [ReloadParts.Part] {
        let streams = min(configuration.sync.parallelStreams, estimated / Self.partRowsMinimum)
        guard streams > 1, plan.keySource != .synthetic else { return [] }
        let queries = queries
        let encodings = reader.encodings
        var boundaries: [[String]] = []
        for index in 1..<streams {
            let sql = queries.row(atOffset: estimated * index / streams)
            // A table smaller than its estimate has fewer parts.
            guard let key = try await source.run({ connection -> [String]? in
                var marker = RowMarker(queries: queries, encodings: encodings)
                var found = false
                try connection.stream(sql) { row in
                    marker.capture(row)
                    found = true
                }
                return found ? marker.key : nil
            }) else { break }
            boundaries.append(key)
        }
        return boundaries.isEmpty ? [] : ReloadParts.split(at: boundaries)
    }

    /// Copies one part of a reload in parts, then records it finished.
    private func copy(
        _ part: ReloadParts.Part, source: MariaDBConnection, target: PostgresConnection, _ progress: Locked<Progress>
    ) async throws -> TableSyncResult {
        let result = try await copy(after: part.resumeAfter, through: part.through, part: part.index, source: source, target: target, progress)
        let parts = writer.parts
        try await target.run { try parts.finish(part.index, on: $0) }
        return result
    }

    /// Copies the rows with keys above `after` up to `through` into the load table, chunk by chunk, each
    /// chunk committed with how far it got (in the part's row when it is one of several).
    private func copy(
        after: [String]?, through: [String]?, part: Int?, source: MariaDBConnection, target: PostgresConnection, _ progress: Locked<Progress>
    ) async throws -> TableSyncResult {
        let writer = writer
        let sql = try queries.reload(afterKey: after, through: through, since: configuration.sync.start(of: plan))
        logger.debug("reload query", metadata: ["sql": "\(sql)"])
        var result = TableSyncResult(table: plan.sourceName, kind: .reload, rows: 0, pages: 0, rejected: 0, seconds: 0, counts: .init())
        let progressLine = progressLine
        try await reader.read(sql, from: source, chunkRows: configuration.sync.batchRows, numbered: false, format: writer.format) { chunk in
            try Task.checkCancellation()
            guard let rejected = try await target.run({ try writer.copyReloadChunk(chunk, part: part, on: $0) }) else { return }
            result.rejected += rejected
            result.pages += 1
            result.rows += chunk.rows
            result.counts += chunk.counts
            logger.debug("Checkpoint: \(result.rows) rows copied")
            let line = progress.withLock { shared -> String? in
                guard let line = shared.reload.advance(by: chunk.rows) else { return nil }
                if progressLine != nil { shared.drawn = true }
                return line
            }
            guard let line else { return }
            if let progressLine { progressLine("\(plan.sourceName): \(line)") } else { logger.info("\(line)") }
        }
        return result
    }
}
