import Testing

@testable import S2PGCore

@Suite("RepairPlan: the batches of a repair and the mass-delete guard")
struct RepairPlanTests {
    static func rows(_ keys: ClosedRange<Int>) -> [RowDifferences.Row] {
        keys.map { RowDifferences.Row(keyText: String($0), hash: "h", key: [String($0)]) }
    }

    @Test("missing and different rows are read again and extra ones deleted, so many keys of each a batch")
    func batches() {
        var differences = RowDifferences()
        differences.missing = Self.rows(1...3)
        differences.different = Self.rows(10...11)
        differences.extra = Self.rows(20...26)
        let plan = RepairPlan(differences, deleting: true, size: 3)
        #expect(plan.batches == [
            .init(reread: [["1"], ["2"], ["3"]], gone: [["20"], ["21"], ["22"]]),
            .init(reread: [["10"], ["11"]], gone: [["23"], ["24"], ["25"]]),
            .init(reread: [], gone: [["26"]]),
        ])
        // Deletes off: the extra rows stay.
        #expect(RepairPlan(differences, deleting: false, size: 3).batches == [
            .init(reread: [["1"], ["2"], ["3"]], gone: []), .init(reread: [["10"], ["11"]], gone: []),
        ])
        #expect(RepairPlan(RowDifferences(), deleting: true, size: 3).batches.isEmpty)
    }

    @Test("a pass deleting more of the mirror than max_delete_fraction is refused, unless allowed or not deleting")
    func guardDeletes() throws {
        #expect(throws: S2PGError.self) {
            try RepairPlan.checkDeletes(of: "t", surplus: 51, mirrorRows: 100, fraction: 0.5, deleting: true, allowed: false)
        }
        try RepairPlan.checkDeletes(of: "t", surplus: 50, mirrorRows: 100, fraction: 0.5, deleting: true, allowed: false)
        try RepairPlan.checkDeletes(of: "t", surplus: 90, mirrorRows: 100, fraction: 0.5, deleting: true, allowed: true)
        try RepairPlan.checkDeletes(of: "t", surplus: 90, mirrorRows: 100, fraction: 0.5, deleting: false, allowed: false)
        try RepairPlan.checkDeletes(of: "t", surplus: 5, mirrorRows: 0, fraction: 0.5, deleting: true, allowed: false)
        do {
            try RepairPlan.checkDeletes(of: "orders", surplus: 90, mirrorRows: 100, fraction: 0.5, deleting: true, allowed: false)
        } catch {
            #expect(error.code == .massDelete)
            #expect(error.message.contains("s2pg sync --allow-mass-delete --table orders"))
        }
    }
}
