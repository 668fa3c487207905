import PostgresClient

/// The statements that write one table's mirror, built from its plan: the staging table and the upsert of
/// a page, the conflict clause, deletes (or soft-delete marks) of rows the source lost, and a reload's load
/// table, row ids, key, swap and merge (its DDL for drift is `SchemaChange`'s). Pure: unit-tested without a database; `TargetWriter`
/// sends them. Values are never part of the text: they are bound (see `Binds`).
struct MirrorSQL: Sendable, Hashable {
    let plan: TablePlan

    /// A session's staging table: pages are copied into it, then upserted from it.
    static let stage = "pg_temp.s2pg_stage"

    /// Columns copied from the source, quoted, in plan order.
    var columns: [String] { plan.columns.map { PostgresIdentifier.quote($0.targetName) } }
    var columnList: String { columns.joined(separator: ", ") }
    var keyList: String { plan.targetKey.map(PostgresIdentifier.quote).joined(separator: ", ") }

    // MARK: Pages

    /// A session-local staging table with the mirror's column types (pgsync's `WITH NO DATA` pattern), plus
    /// the row order so that the last of duplicate keys wins.
    var createStage: [String] {
        [
            "DROP TABLE IF EXISTS \(Self.stage)",
            "CREATE TEMP TABLE s2pg_stage AS SELECT \(columnList) FROM \(plan.qualifiedTargetName) WITH NO DATA",
            "ALTER TABLE \(Self.stage) ADD COLUMN _s2pg_ord integer",
        ]
    }

    var emptyStage: String { "TRUNCATE \(Self.stage)" }

    var copyToStage: String { "COPY \(Self.stage) (\(columnList), _s2pg_ord) FROM STDIN" }

    /// Upserts the staged rows whose order is between two bound ordinals (`first` and `last`, bound in that
    /// order).
    func upsert(_ binds: inout Binds, first: Int, last: Int) -> String {
        """
        INSERT INTO \(plan.qualifiedTargetName) AS t (\(columnList))
        SELECT DISTINCT ON (\(keyList)) \(columnList) FROM \(Self.stage)
        WHERE _s2pg_ord BETWEEN \(binds.append(String(first))) AND \(binds.append(String(last))) ORDER BY \(keyList), _s2pg_ord DESC
        ON CONFLICT (\(keyList)) \(conflictClause)
        """
    }

    /// What an upsert does with a key the mirror has (`t`) and the row it brings (`EXCLUDED`): unchanged rows
    /// are not rewritten (a re-read leaves the mirror and `_s2pg_synced_at` alone), and a key the source has
    /// again is no longer marked deleted.
    var conflictClause: String {
        let nonKey = plan.columns.filter { !$0.isKey }.map { PostgresIdentifier.quote($0.targetName) }
        let deletedAt = PostgresIdentifier.quote(TablePlan.deletedAtColumn)
        let undelete = plan.softDeletes ? ["\(deletedAt) = NULL"] : []
        let wasDeleted = plan.softDeletes ? " OR t.\(deletedAt) IS NOT NULL" : ""
        guard !nonKey.isEmpty else {
            return plan.softDeletes ? "DO UPDATE SET \(undelete[0]) WHERE t.\(deletedAt) IS NOT NULL" : "DO NOTHING"
        }
        let sets = nonKey.map { "\($0) = EXCLUDED.\($0)" } + ["\(PostgresIdentifier.quote(TablePlan.syncedAtColumn)) = now()"] + undelete
        let current = nonKey.map { "t.\($0)" }.joined(separator: ", ")
        let incoming = nonKey.map { "EXCLUDED.\($0)" }.joined(separator: ", ")
        return "DO UPDATE SET \(sets.joined(separator: ", ")) WHERE ROW(\(current)) IS DISTINCT FROM ROW(\(incoming))\(wasDeleted)"
    }

    // MARK: Deletes

    /// Removes the mirror's rows (alias `m`) matching `condition` because the source no longer has them:
    /// deletes them, or with soft deletes marks those not marked yet.
    func removal(where condition: String) -> String {
        let deletedAt = PostgresIdentifier.quote(TablePlan.deletedAtColumn)
        return plan.softDeletes
            ? "UPDATE \(plan.qualifiedTargetName) AS m SET \(deletedAt) = now() WHERE \(deletedAt) IS NULL AND \(condition)"
            : "DELETE FROM \(plan.qualifiedTargetName) AS m WHERE \(condition)"
    }

    /// Removes the rows with the keys `keys` (the mirror's own text of its key columns), bound as one typed
    /// array per key column.
    func removal(ofKeys keys: [[String?]], _ binds: inout Binds) -> String {
        let arrays = plan.targetKey.indices.map { index in
            let type = plan.targetColumns.first { $0.name == plan.targetKey[index] }!.type
            return "\(binds.append(PostgresArray.literal(keys.map { $0[index] ?? "" })))::\(type)[]"
        }
        return removal(where: "(\(keyList)) IN (SELECT * FROM unnest(\(arrays.joined(separator: ", "))))")
    }

    // MARK: Reloads

    /// The table a reload fills before it replaces the mirror.
    var loadTable: String { TargetName.for("_s2pg_load_" + plan.targetName) }
    var qualifiedLoadTable: String { PostgresIdentifier.qualified(plan.targetSchema, loadTable) }
    private var loadKey: String { PostgresIdentifier.quote(TargetName.for(loadTable + "_pkey")) }

    /// A fresh load table without its primary key (added after the data, which is faster), with the
    /// mirror's `kept` columns (dropped at the source, kept in the mirror) besides the planned ones.
    func createLoadTable(kept: [(name: String, type: PostgresType)]) -> [String] {
        let definitions = plan.targetColumns.map { column in
            column.name == TablePlan.rowIDColumn ? "\(PostgresIdentifier.quote(column.name)) text" : plan.columnDefinition(column.name)
        } + kept.map { "\(PostgresIdentifier.quote($0.name)) \($0.type)" }
        return [
            "DROP TABLE IF EXISTS \(qualifiedLoadTable)",
            "CREATE TABLE \(qualifiedLoadTable) (\(definitions.joined(separator: ", ")))\(plan.storageParameters)",
        ]
    }

    var dropLoadTable: String { "DROP TABLE IF EXISTS \(qualifiedLoadTable)" }

    func copyToLoadTable(_ format: CopyFormat) -> String { "COPY \(qualifiedLoadTable) (\(columnList)) FROM STDIN\(format.option)" }

    /// A keyless table's row ids: the MD5 of the row's values plus its occurrence among identical rows, so
    /// that unchanged rows keep theirs.
    var rowIDs: [String] {
        let row = "md5(ROW(\(columns.map { "l.\($0)" }.joined(separator: ", ")))::text)"
        let id = PostgresIdentifier.quote(TablePlan.rowIDColumn)
        return [
            """
            UPDATE \(qualifiedLoadTable) AS l SET \(id) = n.id
            FROM (SELECT l.ctid AS row, \(row) || '-' || row_number() OVER (PARTITION BY \(row)) AS id
                  FROM \(qualifiedLoadTable) AS l) AS n
            WHERE l.ctid = n.row
            """,
            "ALTER TABLE \(qualifiedLoadTable) ALTER COLUMN \(id) SET NOT NULL",
        ]
    }

    /// Copies the `kept` columns' values from the mirror into the load table, row by key.
    func carry(kept: [String]) -> String {
        let quoted = kept.map(PostgresIdentifier.quote)
        let keys = plan.targetKey.map(PostgresIdentifier.quote)
        return """
            UPDATE \(qualifiedLoadTable) AS l SET \(quoted.map { "\($0) = m.\($0)" }.joined(separator: ", "))
            FROM \(plan.qualifiedTargetName) AS m WHERE \(keys.map { "l.\($0) = m.\($0)" }.joined(separator: " AND "))
            """
    }

    var addLoadKey: String { "ALTER TABLE \(qualifiedLoadTable) ADD CONSTRAINT \(loadKey) PRIMARY KEY (\(keyList))" }

    /// The load table in the mirror's place, under the mirror's name and key name.
    var swap: [String] {
        [
            "DROP TABLE IF EXISTS \(plan.qualifiedTargetName)",
            "ALTER TABLE \(qualifiedLoadTable) RENAME TO \(PostgresIdentifier.quote(plan.targetName))",
            "ALTER TABLE \(plan.qualifiedTargetName) RENAME CONSTRAINT \(loadKey) TO \(PostgresIdentifier.quote(TargetName.for(plan.targetName + "_pkey")))",
        ]
    }

    /// The load table's rows into the mirror itself: rows it no longer has removed (see `removal`), the rest
    /// upserted (a keyless table's matched by their row ids), the load table dropped.
    var merge: [String] {
        let keys = plan.targetKey.map(PostgresIdentifier.quote)
        let copied = plan.keySource == .synthetic ? columnList + ", " + PostgresIdentifier.quote(TablePlan.rowIDColumn) : columnList
        return [
            removal(where: "NOT EXISTS (SELECT 1 FROM \(qualifiedLoadTable) AS l WHERE \(keys.map { "l.\($0) = m.\($0)" }.joined(separator: " AND ")))"),
            """
            INSERT INTO \(plan.qualifiedTargetName) AS t (\(copied)) SELECT \(copied) FROM \(qualifiedLoadTable)
            ON CONFLICT (\(keyList)) \(conflictClause)
            """,
            "DROP TABLE \(qualifiedLoadTable)",
        ]
    }

    /// Whether the mirror (bound as `$1`, its qualified name) has what users add that a new table would not:
    /// a view or rule on it, a trigger, an index besides its key, a constraint, a foreign key to it, a grant,
    /// a comment, a policy, a publication.
    static let hasIdentity = """
        SELECT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = $1::regclass AND classid = 'pg_rewrite'::regclass)
            OR EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal)
            OR EXISTS (SELECT 1 FROM pg_index WHERE indrelid = $1::regclass AND NOT indisprimary)
            OR EXISTS (SELECT 1 FROM pg_constraint WHERE (conrelid = $1::regclass AND contype <> 'p') OR confrelid = $1::regclass)
            OR EXISTS (SELECT 1 FROM pg_class WHERE oid = $1::regclass AND relacl IS NOT NULL)
            OR EXISTS (SELECT 1 FROM pg_description WHERE objoid = $1::regclass AND classoid = 'pg_class'::regclass)
            OR EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = $1::regclass)
            OR EXISTS (SELECT 1 FROM pg_publication_rel WHERE prrelid = $1::regclass)
        """
}
