import PostgresClient
import Testing

@Suite("COPY text format")
struct COPYTextTests {
    @Test(
        "special bytes are escaped, everything else passes through",
        arguments: [
            ("plain", "plain"), ("a\tb", #"a\tb"#), ("a\nb", #"a\nb"#), ("a\rb", #"a\rb"#), (#"a\b"#, #"a\\b"#),
            (#"\N"#, #"\\N"#), ("café 日本 🎉", "café 日本 🎉"), ("", ""),
        ])
    func field(_ value: String, _ encoded: String) {
        var output: [UInt8] = []
        Array(value.utf8).withUnsafeBytes { COPYText.appendField($0, to: &output) }
        #expect(String(decoding: output, as: UTF8.self) == encoded)
    }

    @Test("a row separates fields by tabs, writes NULL as \\N and ends with a newline")
    func row() {
        var output: [UInt8] = []
        COPYText.appendRow([Array("1".utf8), nil, [], Array("x\ty".utf8)], to: &output)
        #expect(String(decoding: output, as: UTF8.self) == "1\t\\N\t\tx\\ty\n")
    }
}
