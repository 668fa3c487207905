/// A page PostgreSQL refused, of a source table that changed since it was planned (a column widened while the
/// pass read it): a drift, not bad rows. Nothing of the page was kept; the table's pass starts over on `plan`,
/// which follows the change into the mirror first.
struct SourceTableChanged: Error, CustomStringConvertible {
    let plan: TablePlan

    var description: String {
        "table \(plan.sourceName) changed at the source during the pass"
    }
}
