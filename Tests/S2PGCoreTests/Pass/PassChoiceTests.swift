import Testing

@testable import S2PGCore

@Suite("PassChoice: which pass a table gets, and which comparison follows its reads")
struct PassChoiceTests {
    static let columns = [("id", "int(11)"), ("region", "varchar(10)"), ("updated_at", "datetime(6)")]

    static func state(mode: String = "incremental", cursor: String? = "2026-01-02 03:04:05.000006", refill: String? = nil,
                      loading: String? = nil, succeeded: Bool = true) -> TableState {
        var state = ChangeProbeTests.state(refill: refill, cursor: cursor)
        state.mode = mode
        state.fullLoadTable = loading
        state.lastSuccessAt = succeeded ? "2026-01-02 03:04:06" : nil
        return state
    }

    @Test("an incremental table with a cursor goes on from it, without checking a mirror known in shape")
    func incremental() throws {
        let plan = try TestPlan.make(Self.columns)
        let state = Self.state()
        let prospect = PassChoice.Prospect(plan: plan, state: state, inShape: true)
        #expect(prospect.continuing && prospect.skipsReconcile && !prospect.loaded)
        #expect(PassChoice.choose(prospect, state: state, changes: []) == .incremental(from: state.position!))
        #expect(!PassChoice.Prospect(plan: plan, state: state, inShape: false).skipsReconcile)
        // The state of another mirror (the table was renamed in the mirror) is checked first.
        var renamed = state
        renamed.targetTable = "other"
        #expect(!PassChoice.Prospect(plan: plan, state: renamed, inShape: true).skipsReconcile)
    }

    @Test("no state, no cursor, a refill asked for or a reload under way: a reload")
    func reload() throws {
        let plan = try TestPlan.make(Self.columns)
        for before in [nil, Self.state(cursor: nil), Self.state(refill: "columns added: email"), Self.state(loading: "_s2pg_load_t")] {
            let prospect = PassChoice.Prospect(plan: plan, state: before, inShape: true)
            #expect(!prospect.continuing && !prospect.skipsReconcile)
            let after = before ?? Self.state(cursor: nil)
            #expect(PassChoice.choose(prospect, state: after, changes: []) == .reload(reason: after.refillReason))
        }
        // Reconciling found a column added: the refill it records means a reload.
        let prospect = PassChoice.Prospect(plan: plan, state: Self.state(), inShape: false)
        #expect(PassChoice.choose(prospect, state: Self.state(refill: "columns added: x"), changes: [.addColumn("x")]) == .reload(reason: "columns added: x"))
    }

    @Test("a full-mode table once loaded is compared in place, unless its mirror must be replaced")
    func fullMode() throws {
        let plan = try TestPlan.make(Self.columns, sync: SyncConfiguration(updatedAtColumn: "none"))
        #expect(plan.mode == .full)
        let state = Self.state(mode: "full", cursor: nil)
        let prospect = PassChoice.Prospect(plan: plan, state: state, inShape: true)
        #expect(prospect.loaded && !prospect.continuing && !prospect.skipsReconcile)
        #expect(PassChoice.choose(prospect, state: state, changes: []) == .compare)
        #expect(PassChoice.choose(prospect, state: state, changes: [.replaceTable]) == .reload(reason: nil))
        let never = PassChoice.Prospect(plan: plan, state: Self.state(mode: "full", cursor: nil, succeeded: false), inShape: true)
        #expect(PassChoice.choose(never, state: state, changes: []) == .reload(reason: nil))
    }

    @Test("the comparison after the reads: whole rows when due or while rows are refused, keys when due, refused rows retried after a change of shape",
          arguments: [
            (false, false, false, false, nil), (true, false, false, false, .keys), (false, true, false, false, .rows),
            (true, true, false, false, .rows), (true, false, true, false, .rows), (false, false, true, false, nil),
            (false, false, true, true, .rows), (false, false, false, true, nil),
          ] as [(Bool, Bool, Bool, Bool, PassChoice.Comparison?)])
    func comparison(keysDue: Bool, rowsDue: Bool, hasRejects: Bool, reshaped: Bool, expected: PassChoice.Comparison?) {
        #expect(PassChoice.comparison(keysDue: keysDue, rowsDue: rowsDue, hasRejects: hasRejects, reshaped: reshaped) == expected)
    }
}
