import Testing

@testable import S2PGCore

@Suite("IncrementalScan: an incremental pass's windows, pages and positions, up to its read bound")
struct IncrementalScanTests {
    static func at(_ text: String) -> SourceTimestamp { SourceTimestamp(text)! }

    @Test("a page reads from the stored row up to the bound, exclusive; a short page ends the pass")
    func onePage() {
        let stored = ScanPosition.afterRow(updatedAt: "2026-01-01 10:00:00", key: ["5"])
        var scan = IncrementalScan(from: stored, bound: Self.at("2026-01-01 10:00:01"), windowSeconds: 3600, batchRows: 100)
        #expect(scan.next() == .page(after: stored, before: Self.at("2026-01-01 10:00:01"), limit: 100))
        let last = ScanPosition.afterRow(updatedAt: "2026-01-01 10:00:00", key: ["9"])
        scan.read(rows: 3, last: last)
        #expect(scan.position == last)
        #expect(scan.next() == .done)
    }

    @Test("a full page goes on from its last row in the same window")
    func fullPage() {
        var scan = IncrementalScan(from: .from(Self.at("2026-01-01 00:00:00")), bound: Self.at("2026-01-01 00:00:10"), windowSeconds: 3600, batchRows: 2)
        _ = scan.next()
        let last = ScanPosition.afterRow(updatedAt: "2026-01-01 00:00:03", key: ["1"])
        scan.read(rows: 2, last: last)
        #expect(scan.next() == .page(after: last, before: Self.at("2026-01-01 00:00:10"), limit: 2))
    }

    @Test("windows of window_hours: a window read to its end starts the next at its end, inclusive")
    func windows() {
        var scan = IncrementalScan(from: .from(Self.at("2026-01-01 00:00:00")), bound: Self.at("2026-01-01 03:30:00"), windowSeconds: 3600, batchRows: 10)
        #expect(scan.next() == .page(after: .from(Self.at("2026-01-01 00:00:00")), before: Self.at("2026-01-01 01:00:00"), limit: 10))
        scan.read(rows: 4, last: .afterRow(updatedAt: "2026-01-01 00:59:59.999999", key: ["1"]))
        #expect(scan.position == .from(Self.at("2026-01-01 01:00:00")))
        #expect(scan.next() == .page(after: .from(Self.at("2026-01-01 01:00:00")), before: Self.at("2026-01-01 02:00:00"), limit: 10))
    }

    @Test("an empty window seeks the next change below the bound; none ends the pass")
    func seek() {
        var scan = IncrementalScan(from: .from(Self.at("2026-01-01 00:00:00")), bound: Self.at("2026-01-03 00:00:00"), windowSeconds: 3600, batchRows: 10)
        _ = scan.next()
        scan.read(rows: 0, last: nil)
        #expect(scan.next() == .seek(from: Self.at("2026-01-01 01:00:00"), before: Self.at("2026-01-03 00:00:00")))
        scan.found(Self.at("2026-01-02 12:00:00.5"))
        #expect(scan.next() == .page(after: .from(Self.at("2026-01-02 12:00:00.5")), before: Self.at("2026-01-02 13:00:00.5"), limit: 10))
        scan.read(rows: 0, last: nil)
        #expect(scan.next() == .seek(from: Self.at("2026-01-02 13:00:00.5"), before: Self.at("2026-01-03 00:00:00")))
        scan.found(nil)
        #expect(scan.next() == .done)
    }

    @Test("an empty last window ends the pass without a seek")
    func emptyLastWindow() {
        var scan = IncrementalScan(from: .from(Self.at("2026-01-01 00:00:00")), bound: Self.at("2026-01-01 00:00:01"), windowSeconds: 3600, batchRows: 10)
        _ = scan.next()
        scan.read(rows: 0, last: nil)
        #expect(scan.next() == .done)
    }

    @Test("a position at or past the bound reads nothing: rows of the open tick wait for the next pass")
    func atBound() {
        let bound = Self.at("2026-01-01 10:00:01")
        var empty = IncrementalScan(from: .from(bound), bound: bound, windowSeconds: 60, batchRows: 10)
        #expect(empty.next() == .done)
        var scan = IncrementalScan(from: .afterRow(updatedAt: "2026-01-01 10:00:01", key: ["1"]), bound: bound, windowSeconds: 60, batchRows: 10)
        #expect(scan.next() == .done)
    }
}
