import MariaDBClient

/// The SQL s2pg sends the source for one table. Pure: tested without a database.
public struct SourceQueries: Sendable {
    public let plan: TablePlan

    public init(plan: TablePlan) {
        self.plan = plan
    }

    private var table: String { MariaDBIdentifier.quote(plan.sourceName) }

    /// The catalog's estimate of the table's rows (`TABLE_ROWS`: InnoDB's is a guess, good for sizes).
    public var rowEstimate: String {
        "SELECT TABLE_ROWS FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = "
            + MariaDBIdentifier.literal(plan.sourceName.utf8)
    }
    private var keyColumns: [String] { plan.key.map(MariaDBIdentifier.quote) }

    /// The columns in plan order, each read as its mapping says (spatial values as WKT, FLOAT as DOUBLE).
    public var selectList: String {
        plan.columns.map { $0.mapped.select(MariaDBIdentifier.quote($0.sourceName)) }.joined(separator: ", ")
    }

    /// A stored value (cursor or key, from the state table) as a literal for `column`: refused unless it is a
    /// value of the column's type, so a damaged or tampered state row can never change the query.
    private func literal(_ value: String, for column: String, stored: Bool = true) throws -> String {
        let type = plan.columns.first { $0.sourceName == column }!.sourceType
        do {
            return try SourceLiteral.render(value, as: type)
        } catch {
            guard stored else {
                throw S2PGError(code: .source, message: "a key of table \(plan.sourceName) read by a comparison is not a valid \(type) value for column \(column)")
            }
            throw S2PGError(
                code: .state,
                message: "the stored position of table \(plan.sourceName) is not a valid \(type) value for column "
                    + "\(column); nothing was read. Run s2pg full-load --table \(plan.sourceName) to start it over")
        }
    }

    /// The rows with these keys (stored values, in key order), as the sync reads them: the rows a comparison
    /// found missing or different, read again as they are now. Several keys' columns match by `IN` for a
    /// one-column key, else by `k1 = v1 AND k2 = v2` terms, both of which the source answers from the key's
    /// index.
    public func rows(withKeys keys: [[String]]) throws -> String {
        let values = try keys.map { key in
            guard key.count == keyColumns.count else {
                throw S2PGError(code: .source, message: "a key of table \(plan.sourceName) read by a comparison has \(key.count) values for a key of \(keyColumns.count) columns")
            }
            return try zip(plan.key, key).map { try literal($1, for: $0, stored: false) }
        }
        let condition = keyColumns.count == 1
            ? "\(keyColumns[0]) IN (\(values.map { $0[0] }.joined(separator: ", ")))"
            : values.map { key in "(" + zip(keyColumns, key).map { "\($0) = \($1)" }.joined(separator: " AND ") + ")" }
                .joined(separator: " OR ")
        return "SELECT \(selectList) FROM \(table) WHERE \(condition)"
    }

    /// `(k1, k2) > (v1, v2)` in the form the range optimizer understands: `k1 > v1 OR k1 = v1 AND k2 > v2`.
    private func keyAfter(_ key: [String]) throws -> String {
        try keyBound(key, beyond: ">", last: ">")
    }

    /// `(k1, k2) <= (v1, v2)`, likewise: `k1 < v1 OR k1 = v1 AND k2 <= v2`.
    private func keyAtMost(_ key: [String]) throws -> String {
        try keyBound(key, beyond: "<", last: "<=")
    }

    /// One term per key column: the columns before it equal, it `beyond` (or `last`, the last column's).
    private func keyBound(_ key: [String], beyond: String, last final: String) throws -> String {
        guard key.count == keyColumns.count else {
            throw S2PGError(
                code: .state,
                message: "the stored key of table \(plan.sourceName) has \(key.count) values for a key of \(keyColumns.count) "
                    + "columns; nothing was read. Run s2pg full-load --table \(plan.sourceName) to start it over")
        }
        let values = try zip(plan.key, key).map { try literal($1, for: $0) }
        return keyColumns.indices.map { last in
            let operation = last == keyColumns.count - 1 ? final : beyond
            return (0..<last).map { "\(keyColumns[$0]) = \(values[$0])" } + ["\(keyColumns[last]) \(operation) \(values[last])"]
        }.map { $0.joined(separator: " AND ") }.joined(separator: " OR ")
    }

    private func literal(_ timestamp: SourceTimestamp) -> String {
        MariaDBIdentifier.literal(timestamp.description.utf8)
    }

    /// One page of an incremental read: rows after `position` with a cursor value below `windowEnd`, in
    /// `(updated_at, key)` order.
    public func page(after position: ScanPosition, before windowEnd: SourceTimestamp, limit: Int) throws -> String {
        let cursor = MariaDBIdentifier.quote(plan.cursor!.column)
        let lower: String
        switch position {
        case .from(let start):
            lower = "\(cursor) >= \(literal(start))"
        case .afterRow(let updatedAt, let key):
            // Ties on updated_at are broken by key, spelled out column by column: the range optimizer then
            // seeks the updated_at index (whose entries end with the primary key) straight to the row after
            // the cursor, instead of reading every row of a large tie to filter it (as it does for a tuple).
            let at = try literal(updatedAt, for: plan.cursor!.column)
            lower = "(\(cursor) = \(at) AND (\(try keyAfter(key))) OR \(cursor) > \(at))"
        }
        return "SELECT \(selectList) FROM \(table) WHERE \(lower) AND \(cursor) < \(literal(windowEnd)) "
            + "ORDER BY \(([cursor] + keyColumns).joined(separator: ", ")) LIMIT \(limit)"
    }

    /// Whether the table has a row after `position` (at any `updated_at`): one row holding `tag` if it has,
    /// none if not. Two `UNION ALL` arms that the source answers from the cursor's index without reading
    /// rows (MariaDB: "Select tables optimized away"): the newest `updated_at` past the position's, and the
    /// rows tied with it at a greater key. Many tables' probes go in one statement (`ChangeProbe`).
    public func changeProbe(after position: ScanPosition, tag: Int) throws -> String {
        let cursor = MariaDBIdentifier.quote(plan.cursor!.column)
        let head = "SELECT \(tag) FROM \(table)"
        switch position {
        case .from(let start):
            return "\(head) HAVING MAX(\(cursor)) >= \(literal(start))"
        case .afterRow(let updatedAt, let key):
            let at = try literal(updatedAt, for: plan.cursor!.column)
            return "\(head) HAVING MAX(\(cursor)) > \(at) UNION ALL "
                + "\(head) WHERE \(cursor) = \(at) AND (\(try keyAfter(key))) HAVING COUNT(*) > 0"
        }
    }

    /// The first change at or after `start` and before `end`: skips an empty stretch in one query.
    public func nextChange(from start: SourceTimestamp, before end: SourceTimestamp) -> String {
        let cursor = MariaDBIdentifier.quote(plan.cursor!.column)
        return "SELECT MIN(\(cursor)) FROM \(table) WHERE \(cursor) >= \(literal(start)) AND \(cursor) < \(literal(end))"
    }

    /// Rows no window can ever see.
    public var invisibleRowCount: String {
        let cursor = MariaDBIdentifier.quote(plan.cursor!.column)
        return "SELECT COUNT(*) FROM \(table) WHERE \(cursor) IS NULL"
    }

    public var latestChange: String {
        "SELECT MAX(\(MariaDBIdentifier.quote(plan.cursor!.column))) FROM \(table)"
    }

    /// A whole-table read for a reload: in key order (so it can resume after `afterKey`), or unordered for a
    /// keyless table; a part of one up to `through`; incremental tables only from `since` on.
    public func reload(afterKey: [String]?, through: [String]? = nil, since: SourceTimestamp?) throws -> String {
        var conditions: [String] = []
        if let afterKey { conditions.append("(\(try keyAfter(afterKey)))") }
        if let through { conditions.append("(\(try keyAtMost(through)))") }
        if let since, let cursor = plan.cursor { conditions.append("\(MariaDBIdentifier.quote(cursor.column)) >= \(literal(since))") }
        var sql = "SELECT \(selectList) FROM \(table)"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        if !keyColumns.isEmpty { sql += " ORDER BY " + keyColumns.joined(separator: ", ") }
        return sql
    }

    /// The row at `offset` in key order: its key bounds a part of a reload split into parts.
    public func row(atOffset offset: Int) -> String {
        "SELECT \(selectList) FROM \(table) ORDER BY \(keyColumns.joined(separator: ", ")) LIMIT 1 OFFSET \(offset)"
    }

    /// The source's clock in the zone the cursor column is written in. TIMESTAMP: UTC, or the sessions' zone
    /// where the server keeps them in another (SingleStore), since the values come in it. DATETIME:
    /// `source.time_zone` when set (converted from UTC by the server, as SingleStore ignores SET
    /// time_zone), else the server's own zone.
    public static func clock(isTimestamp: Bool, timeZone: String?, sessionZone: SourceZone) -> [String] {
        if isTimestamp { return [sessionZone == .utc ? "SELECT UTC_TIMESTAMP(6)" : "SELECT NOW(6)"] }
        if let timeZone { return ["SELECT CONVERT_TZ(UTC_TIMESTAMP(6), '+00:00', \(MariaDBIdentifier.literal(timeZone.utf8)))"] }
        guard sessionZone == .utc else { return ["SELECT NOW(6)"] }
        return ["SET time_zone = @@global.time_zone", "SELECT NOW(6)", "SET time_zone = '+00:00'"]
    }

    /// Index of each key column in the select list.
    public var keyIndexes: [Int] {
        plan.key.map { name in plan.columns.firstIndex { $0.sourceName == name }! }
    }

    public var cursorIndex: Int? {
        plan.cursor.map { cursor in plan.columns.firstIndex { $0.sourceName == cursor.column }! }
    }

}
