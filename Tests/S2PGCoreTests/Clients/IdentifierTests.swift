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

@Suite("SQL in errors")
struct RedactedSQLTests {
    @Test(
        "literals are redacted, names and the statement's shape kept",
        arguments: [
            ("SELECT `a'1` FROM `t` WHERE `k` > 'sec''ret\\'s' AND `b` = X'00ff' LIMIT 10000",
             "SELECT `a'1` FROM `t` WHERE `k` > ? AND `b` = ? LIMIT ?"),
            ("SELECT * FROM t2 WHERE (`id` = -42 OR `x1` > 1.5e-3) AND c = _utf8mb4'v'", "SELECT * FROM t2 WHERE (`id` = -? OR `x1` > ?) AND c = ?"),
            ("SELECT `we``ird` FROM `t` WHERE `d` >= '2025-10-01 00:00:00.000000'", "SELECT `we``ird` FROM `t` WHERE `d` >= ?"),
        ])
    func redacted(_ sql: String, _ expected: String) {
        #expect(sql.redactedSQL(backslashEscapes: true) == expected)
    }
}
