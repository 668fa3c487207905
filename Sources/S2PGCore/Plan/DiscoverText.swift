/// `s2pg discover` for a terminal: a block per table with an aligned column table and the DDL.
public enum DiscoverText {
    public static func render(_ reports: [TablePlanReport]) -> String {
        var out: [String] = []
        for report in reports {
            var heading = "\(report.table) → \(report.target)  \(report.mode)"
            heading += report.mode == "incremental"
                ? " by \(report.cursorColumn ?? "?")"
                : " (\(report.modeReason ?? "no incremental cursor"))"
            heading += ", key (\(report.key.joined(separator: ", "))) from \(report.keySource)"
            out.append(heading)
            let rows = [["column", "source type", "postgresql type", ""]]
                + report.columns.map { column in
                    let name = column.targetName == column.name ? column.name : "\(column.name) → \(column.targetName)"
                    return [name, column.sourceType, column.postgresType, column.key ? "key" : ""]
                }
            let widths = (0..<4).map { index in rows.map { $0[index].count }.max() ?? 0 }
            for row in rows {
                let cells = zip(row, widths).map { cell, width in cell.padded(width) }
                out.append("  " + cells.joined(separator: "  ").trimmingSpaces())
            }
            for warning in report.warnings { out.append("  warning: \(warning)") }
            out.append(report.ddl.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            out.append("")
        }
        out.append("\(reports.count) tables: \(reports.filter { $0.mode == "incremental" }.count) incremental, "
            + "\(reports.filter { $0.mode == "full" }.count) full")
        return out.joined(separator: "\n")
    }
}
