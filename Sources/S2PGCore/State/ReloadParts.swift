import PostgresClient

/// A reload split into parts of its key range, copied at once over `sync.parallel_streams` connection
/// pairs; each part records the last key it copied in the transaction of those rows, so each resumes on its
/// own after a crash. All of `reload_parts`' SQL is here.
struct ReloadParts: Sendable {
    struct Part: Sendable, Hashable {
        var index: Int
        /// The part's rows have keys above this (`nil`: from the table's first key) ...
        var after: [String]?
        /// ... up to and including this (`nil`: to its last).
        var through: [String]?
        /// The last key copied so far.
        var done: [String]?
        var finished = false

        /// Where the part's next read starts.
        var resumeAfter: [String]? { done ?? after }
    }

    let schema: String
    let table: String

    private var parts: String { PostgresIdentifier.qualified(schema, "reload_parts") }

    /// The parts between consecutive `boundaries` (keys in ascending order): the first from the table's
    /// start, the last to its end.
    static func split(at boundaries: [[String]]) -> [Part] {
        let edges: [[String]?] = [nil] + boundaries.map { $0 } + [nil]
        return (0...boundaries.count).map { Part(index: $0, after: edges[$0], through: edges[$0 + 1]) }
    }

    /// Replaces the table's parts with `new` (none: a reload in one stream), inside the caller's transaction.
    func record(_ new: [Part], on connection: isolated PostgresConnection) throws {
        try clear(on: connection)
        for part in new {
            try connection.execute(
                "INSERT INTO \(parts) (source_table, part, after_key, through_key) VALUES ($1, $2::integer, $3::jsonb, $4::jsonb)",
                [table, String(part.index), TableState.json(part.after), TableState.json(part.through)])
        }
    }

    /// The table's parts, in key order; none for a reload in one stream.
    func all(on connection: isolated PostgresConnection) throws -> [Part] {
        try connection.execute(
            "SELECT part, after_key::text, through_key::text, done_key::text, finished FROM \(parts) WHERE source_table = $1 ORDER BY part",
            [table]
        ).rows.map { row in
            Part(
                index: Int(row[0]!)!, after: TableState.key(json: row[1]), through: TableState.key(json: row[2]),
                done: TableState.key(json: row[3]), finished: row[4] == "t")
        }
    }

    /// Records that the part copied its rows up to `key`, inside the transaction of those rows.
    func recordProgress(of part: Int, through key: [String]?, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            "UPDATE \(parts) SET done_key = $3::jsonb WHERE source_table = $1 AND part = $2::integer",
            [table, String(part), TableState.json(key)])
    }

    /// Records that the part copied all of its range.
    func finish(_ part: Int, on connection: isolated PostgresConnection) throws {
        try connection.execute("UPDATE \(parts) SET finished = true WHERE source_table = $1 AND part = $2::integer", [table, String(part)])
    }

    func clear(on connection: isolated PostgresConnection) throws {
        try connection.execute("DELETE FROM \(parts) WHERE source_table = $1", [table])
    }
}
