/// Asks many incremental tables at once whether they have rows past their cursors: each table's
/// `SourceQueries.changeProbe`, joined by `UNION ALL` into statements of at most `maximumBytes`, each answered
/// with the tags of the tables that changed. Pure: the statements are run by the caller.
struct ChangeProbe: Sendable {
    /// The probed tables, by tag (their index here).
    let tables: [String]
    let statements: [String]

    /// Well under every server's smallest `max_allowed_packet` (MariaDB's and SingleStore's default 16 MiB
    /// and more; MySQL's 4 MiB), and short enough to parse fast: about 500 tables a statement.
    static let maximumBytes = 128 * 1024

    init(_ probed: [(plan: TablePlan, position: ScanPosition)], maximumBytes: Int = Self.maximumBytes) throws {
        tables = probed.map(\.plan.sourceName)
        var statements: [String] = []
        var current = ""
        for (tag, table) in probed.enumerated() {
            let arm = try SourceQueries(plan: table.plan).changeProbe(after: table.position, tag: tag)
            if !current.isEmpty, current.utf8.count + arm.utf8.count + 11 > maximumBytes {
                statements.append(current)
                current = ""
            }
            current += current.isEmpty ? arm : " UNION ALL " + arm
        }
        if !current.isEmpty { statements.append(current) }
        self.statements = statements
    }

    /// The tables that changed, from the rows the statements returned (one column: a tag).
    func changed(_ rows: [[String?]]) throws -> Set<String> {
        try Set(rows.map { row in
            guard let tag = row.first.flatMap({ $0.flatMap { Int($0) } }), tables.indices.contains(tag) else {
                throw S2PGError(code: .source, message: "the source answered a change probe with a row that names no probed table")
            }
            return tables[tag]
        })
    }
}
