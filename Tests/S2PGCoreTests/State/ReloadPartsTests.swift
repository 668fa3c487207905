import Testing

@testable import S2PGCore

@Suite("Reload parts")
struct ReloadPartsTests {
    @Test("boundaries make parts that cover the key range once: from the start, between them, to the end")
    func split() {
        let parts = ReloadParts.split(at: [["10", "a"], ["20", "b"]])
        #expect(parts.map(\.index) == [0, 1, 2])
        #expect(parts.map(\.after) == [nil, ["10", "a"], ["20", "b"]])
        #expect(parts.map(\.through) == [["10", "a"], ["20", "b"], nil])
        #expect(parts.allSatisfy { !$0.finished && $0.done == nil })
        #expect(ReloadParts.split(at: []).map(\.through) == [nil])
    }

    @Test("a part resumes after the last key it copied, else after its lower bound")
    func resume() {
        var part = ReloadParts.Part(index: 1, after: ["10"], through: ["20"])
        #expect(part.resumeAfter == ["10"])
        part.done = ["15"]
        #expect(part.resumeAfter == ["15"])
    }

    @Test("a part's query: above its lower bound, up to and including its upper, in the form the range optimizer reads")
    func query() throws {
        let plan = try TestPlan.make([("a", "int(11)"), ("b", "varchar(10)"), ("v", "text")], key: ["a", "b"])
        let sql = try SourceQueries(plan: plan).reload(afterKey: ["1", "x"], through: ["5", "y"], since: nil)
        #expect(sql.hasSuffix(
            "WHERE (`a` > 1 OR `a` = 1 AND `b` > 'x') AND (`a` < 5 OR `a` = 5 AND `b` <= 'y') ORDER BY `a`, `b`"))
        #expect(SourceQueries(plan: plan).row(atOffset: 500).hasSuffix("ORDER BY `a`, `b` LIMIT 1 OFFSET 500"))
    }
}
