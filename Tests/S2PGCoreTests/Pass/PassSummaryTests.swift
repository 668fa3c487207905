import Testing

@testable import S2PGCore

@Suite("PassSummary: what s2pg run makes of a pass, and when the next starts")
struct PassSummaryTests {
    static func result(_ table: String, changed: Bool = false, probed: Bool = false, readableIn: Duration? = nil) -> Replicator.Outcome {
        var result = TableSyncResult(table: table, kind: .incremental, rows: 0, pages: 0, rejected: 0, seconds: 0, counts: .init())
        result.foundChanges = changed
        result.probed = probed
        result.readableIn = readableIn
        return Replicator.Outcome(table: table, result: .success(result))
    }

    static func failure(_ table: String, _ error: any Error) -> Replicator.Outcome {
        Replicator.Outcome(table: table, result: .failure(error))
    }

    static let started = ContinuousClock.now
    static let ended = started + .milliseconds(30)
    static let period = Duration.milliseconds(200)

    @Test("failed, skipped (held by another process, not waited for) and stopped tables are told apart")
    func outcomes() {
        let summary = PassSummary([
            Self.result("a", probed: true), Self.result("b", changed: true),
            Self.failure("c", S2PGError(code: .massDelete, message: "too many")),
            Self.failure("d", TableHeld(table: "d", holder: nil, waited: nil)),
            Self.failure("e", TableHeld(table: "e", holder: nil, waited: .seconds(30))),
            Self.failure("f", CancellationError()),
        ])
        #expect(summary.failed == ["c", "e"])
        #expect(summary.skipped == ["d"])
        #expect(summary.probedQuiet == 1)
        #expect(summary.changed)
    }

    @Test("a pass that found changes is followed at once")
    func changed() {
        let summary = PassSummary([Self.result("a", changed: true), Self.result("b", readableIn: .milliseconds(5))])
        #expect(summary.nextPass(started: Self.started, ended: Self.ended, period: Self.period) == Self.ended)
    }

    @Test("rows left for the open tick bring the next pass forward to when they can be read, never past the period")
    func readable() {
        let soon = PassSummary([Self.result("a", readableIn: .milliseconds(400)), Self.result("b", readableIn: .milliseconds(40))])
        #expect(soon.readableIn == .milliseconds(40))
        #expect(soon.nextPass(started: Self.started, ended: Self.ended, period: Self.period) == Self.ended + .milliseconds(40))
        let late = PassSummary([Self.result("a", readableIn: .milliseconds(900))])
        #expect(late.nextPass(started: Self.started, ended: Self.ended, period: Self.period) == Self.started + Self.period)
    }

    @Test("a quiet pass is followed one period after it started")
    func quiet() {
        let summary = PassSummary([Self.result("a", probed: true)])
        #expect(summary.readableIn == nil)
        #expect(summary.nextPass(started: Self.started, ended: Self.ended, period: Self.period) == Self.started + Self.period)
    }

    @Test("run stops on a configuration the source contradicts, or a signal; other failures are retried next pass")
    func stops() {
        #expect(PassSummary.stops(on: S2PGError(code: .configuration, message: "no table x")))
        #expect(PassSummary.stops(on: CancellationError()))
        #expect(!PassSummary.stops(on: S2PGError(code: .source, message: "down")))
    }
}
