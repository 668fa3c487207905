import Testing

@testable import S2PGCore

/// What `/readyz`, the freshness metric and a reload's progress line say, without a database or a server.
@Suite("Service health")
struct ServiceHealthTests {
    static func succeeded(_ table: String) -> Replicator.Outcome {
        .init(table: table, result: .success(TableSyncResult(table: table, kind: .incremental, rows: 0, pages: 0, rejected: 0, seconds: 0, counts: .init())))
    }

    struct Refused: Error {}

    @Test("a table held back by an open source transaction is as stale as the hold, and still ready")
    func heldBack() {
        let start = ContinuousClock.now
        var health = ServiceHealth(interval: .seconds(1))
        var held = TableSyncResult(table: "a", kind: .incremental, rows: 0, pages: 0, rejected: 0, seconds: 0, counts: .init())
        held.held = .init(microseconds: 4_500_000, transaction: OpenTransaction(holder: "12", started: "2026-01-01 10:00:00", ageMicroseconds: 4_500_000, id: "7536"))
        health.record([.init(table: "a", result: .success(held)), Self.succeeded("b")], started: start, ended: start)
        #expect(health.freshness(at: start + .seconds(1)) == ["a": .milliseconds(5_500), "b": .seconds(1)])
        #expect(health.readiness(at: start + .seconds(1)).ready)
    }

    @Test("ready once a pass completed and every table's last pass succeeded within three intervals")
    func readiness() {
        let start = ContinuousClock.now
        var health = ServiceHealth(interval: .seconds(1))
        #expect(health.readiness(at: start).ready == false)
        health.record([Self.succeeded("a"), Self.succeeded("b")], started: start, ended: start)
        #expect(health.readiness(at: start + .seconds(2)).ready)
        #expect(health.freshness(at: start + .seconds(2)) == ["a": .seconds(2), "b": .seconds(2)])
        // The source went away: no pass succeeds, the tables age out.
        let (ready, reason) = health.readiness(at: start + .milliseconds(3001))
        #expect(!ready)
        #expect(reason.contains("table a"))
        // A table that fails is unready at once; the others' success does not hide it.
        health.record([Self.succeeded("a"), .init(table: "b", result: .failure(Refused()))], started: start + .seconds(4), ended: start + .seconds(4))
        #expect(health.readiness(at: start + .seconds(4)).reason == "the last pass of table b failed")
        health.record([Self.succeeded("b"), .init(table: "a", result: .failure(CancellationError()))], started: start + .seconds(5), ended: start + .seconds(5))
        #expect(health.readiness(at: start + .seconds(5)).ready)
        #expect(health.freshness(at: start + .seconds(6))["a"] == .seconds(2))
        // A table dropped at the source is no longer in the passes, nor watched.
        health.record([Self.succeeded("b")], started: start + .seconds(10), ended: start + .seconds(10))
        #expect(health.readiness(at: start + .seconds(10)).ready)
        #expect(health.freshness(at: start + .seconds(10)) == ["b": .zero])
        // A pass longer than the interval stretches it: a slow pass is not a failing one.
        health.record([Self.succeeded("b")], started: start + .seconds(20), ended: start + .seconds(25))
        #expect(health.readiness(at: start + .seconds(34)).ready)
        #expect(!health.readiness(at: start + .milliseconds(35_001)).ready)
    }

    @Test("a reload's progress line every 10 s (a terminal's every second): rows of the estimate, rows/s, time left")
    func reloadProgress() {
        let start = ContinuousClock.now
        var progress = ReloadProgress(table: "t", estimated: 1_000, done: 100, now: start)
        #expect(progress.advance(by: 100, now: start + .seconds(5)) == nil)
        #expect(progress.advance(by: 300, now: start + .seconds(10)) == "reloading: 500 rows copied of about 1000 (50%), 40 rows/s, about 13 s left")
        #expect(progress.advance(by: 600, now: start + .seconds(15)) == nil)
        // Past the estimate (InnoDB's is a guess): rows and rate only.
        #expect(progress.advance(by: 1, now: start + .seconds(20)) == "reloading: 1101 rows copied, 50 rows/s")
        // A terminal's live line: every second.
        var live = ReloadProgress(table: "t", estimated: 1_000, every: .seconds(1), now: start)
        #expect(live.advance(by: 100, now: start + .milliseconds(500)) == nil)
        #expect(live.advance(by: 100, now: start + .seconds(1)) == "reloading: 200 rows copied of about 1000 (20%), 200 rows/s, about 4 s left")
    }
}
