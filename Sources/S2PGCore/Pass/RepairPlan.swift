/// What a comparison repairs once it found how the mirror differs: whether its deletes pass the mass-delete
/// guard, and the batches in which rows are read again and deleted, each batch one transaction. Pure:
/// unit-tested without a database.
struct RepairPlan: Equatable {
    /// Keys of rows read again from the source and upserted (missing or different), and of mirror rows
    /// deleted (extra), in one transaction.
    struct Batch: Equatable {
        var reread: [[String]]
        var gone: [[String?]]
    }

    var batches: [Batch]

    /// The batches for `differences`, `size` keys of each kind a batch: rows the mirror lacks or holds
    /// otherwise are read again as the source has them now; rows the source no longer has are deleted unless
    /// `deleting` is off.
    init(_ differences: RowDifferences, deleting: Bool, size: Int) {
        let reread = (differences.missing + differences.different).map { $0.key.map { $0 ?? "" } }
        let gone = deleting ? differences.extra.map(\.key) : []
        let count = (max(reread.count, gone.count) + size - 1) / size
        batches = (0..<count).map { index in
            func slice<Element>(_ all: [Element]) -> [Element] {
                Array(all[min(all.count, index * size)..<min(all.count, (index + 1) * size)])
            }
            return Batch(reread: slice(reread), gone: slice(gone))
        }
    }

    /// Refuses a pass that would delete more of the mirror (`surplus` of its `mirrorRows`) than `fraction`
    /// allows, unless `allowed` (`--allow-mass-delete`) or nothing is deleted: a wrong source database or a
    /// cut-short read looks exactly like that.
    static func checkDeletes(
        of table: String, surplus: Int, mirrorRows: Int, fraction: Double, deleting: Bool, allowed: Bool
    ) throws(S2PGError) {
        guard deleting, !allowed, mirrorRows > 0, Double(surplus) > fraction * Double(mirrorRows) else { return }
        throw S2PGError(
            code: .massDelete,
            message: "table \(table): this pass would delete at least \(surplus) of the mirror's \(mirrorRows) rows, "
                + "more than sync.max_delete_fraction (\(fraction)) allows; a wrong source database or a cut-short read looks exactly "
                + "like that, so nothing was deleted. If the source really lost those rows, run s2pg sync --allow-mass-delete --table \(table)")
    }
}
