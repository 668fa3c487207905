import ArgumentParser
import S2PGCore

/// The per-table summary `sync` and `full-load` print; non-zero exit when a table failed. A table another
/// s2pg process was working on is skipped, not failed.
enum SyncSummary {
    static func print(_ outcomes: [Replicator.Outcome]) throws {
        var failed: [String] = []
        var skipped: [String] = []
        Swift.print("table                          kind         rows    pages  seconds     rows/s")
        for outcome in outcomes {
            switch outcome.result {
            case .success(let result):
                let line = [
                    outcome.table.padded(30), result.kind.rawValue.padded(11), String(result.rows).leftPadded(8),
                    String(result.pages).leftPadded(6), Replicator.format(result.seconds).leftPadded(8),
                    String(Int(result.rowsPerSecond)).leftPadded(10),
                ].joined(separator: " ")
                var notes: [String] = []
                if result.deleted > 0 { notes.append("\(result.deleted) deleted") }
                if result.rejected > 0 { notes.append("\(result.rejected) rejected") }
                if result.counts.invalidDatesNulled > 0 { notes.append("\(result.counts.invalidDatesNulled) invalid dates → NULL") }
                if result.counts.nulBytesRemoved > 0 { notes.append("\(result.counts.nulBytesRemoved) values lost NUL bytes") }
                if result.counts.invalidUTF8Replaced > 0 { notes.append("\(result.counts.invalidUTF8Replaced) values had invalid UTF-8 replaced") }
                Swift.print(line + (notes.isEmpty ? "" : "  (" + notes.joined(separator: ", ") + ")"))
            case .failure(let held as TableHeld) where outcome.skipped != nil:
                skipped.append(outcome.table)
                Swift.print("\(outcome.table.padded(30)) SKIPPED: \(held)")
            case .failure(let error):
                failed.append(outcome.table)
                Swift.print("\(outcome.table.padded(30)) FAILED: \(error)")
            }
        }
        if !skipped.isEmpty {
            Swift.print("\(skipped.count) of \(outcomes.count) tables skipped, held by another s2pg process: \(skipped.joined(separator: ", "))")
        }
        if !failed.isEmpty {
            Swift.print("\(failed.count) of \(outcomes.count) tables failed: \(failed.joined(separator: ", "))")
            throw ExitCode.failure
        }
    }
}
