import MariaDBClient
import PostgresClient
import Testing

@Suite("Identifier quoting")
struct IdentifierTests {
    @Test(
        "PostgreSQL identifiers are double-quoted with inner quotes doubled",
        arguments: [
            ("orders", #""orders""#), ("Order", #""Order""#), ("user", #""user""#), ("a\"b", #""a""b""#),
            ("with space", #""with space""#), ("日本", #""日本""#), ("", #""""#),
        ])
    func postgres(_ name: String, _ quoted: String) {
        #expect(PostgresIdentifier.quote(name) == quoted)
    }

    @Test("a qualified PostgreSQL name quotes both parts")
    func qualified() {
        #expect(PostgresIdentifier.qualified("my schema", "T") == #""my schema"."T""#)
    }

    @Test(
        "MySQL identifiers are backtick-quoted with inner backticks doubled",
        arguments: [("orders", "`orders`"), ("group", "`group`"), ("a`b", "`a``b`"), ("Mixed Case", "`Mixed Case`")])
    func mariaDB(_ name: String, _ quoted: String) {
        #expect(MariaDBIdentifier.quote(name) == quoted)
    }
}
