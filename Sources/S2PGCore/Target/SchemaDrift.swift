/// Compares a table's plan with its existing mirror. Pure: the changes it returns are applied by
/// `SchemaReconciler`.
public enum SchemaDrift {
    /// What must change in the mirror; throws when the source changed in a way the mirror cannot follow
    /// without a rebuild (a type it can neither hold nor widen to, a different key).
    public static func changes(from existing: TargetTableShape?, to plan: TablePlan) throws(S2PGError) -> [SchemaChange] {
        guard let existing else { return [.createTable] }
        let rebuild = "Rebuild the mirror with: s2pg full-load --table \(plan.sourceName)"
        guard existing.primaryKey == plan.targetKey else {
            throw S2PGError(
                code: .schemaDrift,
                message: "table \(plan.sourceName): the mirror's primary key is (\(existing.primaryKey.joined(separator: ", "))) "
                    + "but the key is now (\(plan.targetKey.joined(separator: ", "))). \(rebuild)")
        }
        var changes: [SchemaChange] = []
        for (name, wanted) in plan.targetColumns {
            guard let current = existing.columns.first(where: { $0.name == name })?.type else {
                changes.append(.addColumn(name))
                continue
            }
            if current == wanted { continue }
            if current.canHold(wanted) {
                changes.append(.keepWiderColumn(name, has: current, sourceNeeds: wanted))
            } else if wanted.canHold(current) {
                changes.append(.widenColumn(name, from: current, to: wanted))
            } else {
                throw S2PGError(
                    code: .schemaDrift,
                    message: "table \(plan.sourceName): column \(name) is \(current) in the mirror, but the source "
                        + "column is now mapped to \(wanted), which the mirror can neither hold nor be widened to. \(rebuild)")
            }
        }
        let planned = Set(plan.targetColumns.map(\.name))
        // s2pg's own columns it no longer fills (`_s2pg_deleted_at` after soft deletes are turned off) are kept
        // silently: the source never had them.
        for (name, _) in existing.columns where !planned.contains(name) && !name.hasPrefix(TablePlan.metadataPrefix) {
            changes.append(.keepDroppedColumn(name))
        }
        return changes
    }
}
