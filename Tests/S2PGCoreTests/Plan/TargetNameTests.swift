import Testing

@testable import S2PGCore

@Suite("Target names")
struct TargetNameTests {
    @Test("names up to 63 bytes are kept as they are, case included", arguments: ["orders", "Orders", "order", String(repeating: "a", count: 63)])
    func kept(_ name: String) {
        #expect(TargetName.for(name) == name)
    }

    @Test("longer names are shortened to at most 63 bytes, deterministically")
    func shortened() {
        let long = String(repeating: "x", count: 64)
        let short = TargetName.for(long)
        #expect(short.utf8.count <= 63)
        #expect(short == TargetName.for(long))
        #expect(short.hasPrefix(String(repeating: "x", count: 54) + "_"))
    }

    @Test("two long names sharing a prefix, or differing only in case, never collide")
    func distinct() {
        let prefix = String(repeating: "customer_order_line_item_", count: 3)
        let names = [prefix + "a", prefix + "b", prefix.uppercased() + "a", prefix + "A"]
        let shortened = names.map(TargetName.for)
        #expect(Set(shortened).count == names.count)
        #expect(shortened.allSatisfy { $0.utf8.count <= 63 })
    }

    @Test("multibyte names are cut on a character boundary")
    func multibyte() {
        let name = String(repeating: "日本語", count: 10)
        let short = TargetName.for(name)
        #expect(short.utf8.count <= 63)
        #expect(short.hasPrefix("日本語"))
        #expect(short.unicodeScalars.allSatisfy { $0 != "\u{FFFD}" })
    }
}
