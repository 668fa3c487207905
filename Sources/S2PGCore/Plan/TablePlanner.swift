import MariaDBClient

/// Turns the source catalog and the configuration into one `TablePlan` per selected table. Pure: no I/O.
public struct TablePlanner: Sendable {
    public var sync: SyncConfiguration
    public var targetSchema: String

    public init(sync: SyncConfiguration, targetSchema: String) {
        self.sync = sync
        self.targetSchema = targetSchema
    }

    /// Plans every selected table; fails naming the setting when the configuration names a table or column
    /// the source does not have, or when two names would collide in PostgreSQL.
    public func plan(_ catalog: SourceCatalog) throws(S2PGError) -> [TablePlan] {
        let names = Set(catalog.tables.map(\.name))
        for (setting, listed) in [("sync.tables", sync.tables), ("sync.exclude_tables", sync.excludeTables),
                                  ("sync.keys", Array(sync.keys.keys))] {
            for name in listed where !names.contains(name) {
                throw unknownTable(name, in: setting, catalog: catalog)
            }
        }
        let selected = catalog.tables.filter {
            (sync.tables.isEmpty || sync.tables.contains($0.name)) && !sync.excludeTables.contains($0.name)
        }
        let mapping = TypeMapping(tinyint1AsBoolean: sync.tinyint1AsBoolean, defaultBitWidth: catalog.dialect.defaultBitWidth)
        let plans = try selected.map { (table) throws(S2PGError) in
            var plan = try plan(table, mapping: mapping)
            plan.sourceZone = catalog.zone
            plan.dialect = catalog.dialect
            plan.softDeletes = sync.deletes == .soft && plan.keySource != .synthetic
            return plan
        }
        try requireDistinct(plans.map { ($0.sourceName, $0.targetName) }, what: "tables")
        return plans
    }

    func plan(_ table: SourceTable, mapping: TypeMapping) throws(S2PGError) -> TablePlan {
        var warnings: [String] = []
        for column in table.columns where column.name.hasPrefix(TablePlan.metadataPrefix) {
            throw S2PGError(
                code: .catalog,
                message: "table \(table.name): column \(column.name) uses the prefix \(TablePlan.metadataPrefix), "
                    + "which s2pg reserves for its own columns; exclude the table or rename the column")
        }
        let (keySource, key) = try chooseKey(table)
        let columns = table.columns.map { column in
            let mapped = mapping.map(column.type)
            if let warning = mapped.warning { warnings.append("column \(column.name): \(warning)") }
            return TablePlan.Column(
                sourceName: column.name, targetName: TargetName.for(column.name), sourceType: column.type,
                mapped: mapped, isKey: key.contains(column.name), isNullable: column.isNullable, characterSet: column.characterSet)
        }
        try requireDistinct(columns.map { ($0.sourceName, $0.targetName) }, what: "columns of \(table.name)")

        var cursor: TablePlan.Cursor?
        var modeReason: String?
        // MySQL column names are case-insensitive, so is the configured one.
        let cursorColumn = table.columns.first { $0.name.lowercased() == sync.updatedAtColumn.lowercased() }
        if let cursorColumn {
            switch cursorColumn.type.name {
            case "datetime", "timestamp":
                cursor = TablePlan.Cursor(
                    column: cursorColumn.name, isTimestamp: cursorColumn.type.name == "timestamp",
                    precision: cursorColumn.type.number(at: 0) ?? 0)
            default:
                modeReason = "\(cursorColumn.name) is \(cursorColumn.type), not DATETIME or TIMESTAMP"
                warnings.append("\(modeReason!): every sync compares the whole table with its mirror")
            }
        } else {
            modeReason = "no \(sync.updatedAtColumn) column"
        }
        if cursor != nil, keySource == .synthetic {
            modeReason = "no primary key, no unique key on NOT NULL columns, and no sync.keys entry"
            cursor = nil
        }
        if let cursor, !table.indexLeads.contains(cursor.column) {
            warnings.append(
                "\(cursor.column) leads no index, so every window reads the whole table; add one: CREATE INDEX ... ON "
                    + "\(MariaDBIdentifier.quote(table.name)) (\(MariaDBIdentifier.quote(cursor.column)))")
        }
        return TablePlan(
            sourceName: table.name, targetSchema: targetSchema, targetName: TargetName.for(table.name),
            mode: cursor == nil ? .full : .incremental, modeReason: modeReason, keySource: keySource, key: key,
            cursor: cursor, columns: columns, warnings: warnings)
    }

    /// The declared key, else the primary key, else the narrowest unique key on NOT NULL columns.
    private func chooseKey(_ table: SourceTable) throws(S2PGError) -> (TablePlan.KeySource, [String]) {
        if let declared = sync.keys[table.name] {
            for name in declared {
                guard let column = table.column(named: name) else {
                    throw S2PGError(
                        code: .configuration,
                        message: "sync.keys.\(table.name): table \(table.name) has no column \(name)")
                }
                guard !column.isNullable else {
                    throw S2PGError(
                        code: .configuration,
                        message: "sync.keys.\(table.name): column \(name) is nullable; key columns must be NOT NULL")
                }
            }
            return (.declared, declared)
        }
        if !table.primaryKey.isEmpty { return (.primaryKey, table.primaryKey) }
        let candidates = table.uniqueKeys
            .filter { _, columns in columns.allSatisfy { table.column(named: $0)?.isNullable == false } }
            .sorted { ($0.value.count, $0.key) < ($1.value.count, $1.key) }
        if let (name, columns) = candidates.first { return (.uniqueKey(name), columns) }
        return (.synthetic, [])
    }

    private func requireDistinct(_ names: [(source: String, target: String)], what: String) throws(S2PGError) {
        var seen: [String: String] = [:]
        for (source, target) in names {
            if let other = seen[target] {
                throw S2PGError(
                    code: .catalog,
                    message: "\(what): \(other) and \(source) would both be named \(target) in PostgreSQL")
            }
            seen[target] = source
        }
    }

    private func unknownTable(_ name: String, in setting: String, catalog: SourceCatalog) -> S2PGError {
        var message = "\(setting) names \(name), which is not a table of source database \(catalog.database)"
        if let near = catalog.tables.first(where: { $0.name.lowercased() == name.lowercased() }) {
            message += " (table names are case-sensitive: did you mean \(near.name)?)"
        }
        return S2PGError(code: .configuration, message: message)
    }
}
