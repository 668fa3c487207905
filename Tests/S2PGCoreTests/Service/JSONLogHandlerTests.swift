import Foundation
import Logging
import Synchronization
import Testing

@testable import S2PGCore

@Suite("JSON logs")
struct JSONLogHandlerTests {
    @Test("one JSON object per line: time, level, message, label and the metadata under its dotted keys")
    func oneObjectPerLine() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "s2pg") { label in
            JSONLogHandler(label: label, level: .info) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "table.name"] = "orders"
        logger.info("table synced", metadata: ["rows": "3", "tables": .array(["a", "b"])])
        logger.debug("not at info")
        logger.warning("quote \" and\nnewline")
        let written = lines.withLock { $0 }
        #expect(written.count == 2)
        #expect(written.allSatisfy { $0.hasSuffix("\n") && $0.dropLast().firstIndex(of: "\n") == nil })
        let first = try #require(try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        #expect(first["message"] as? String == "table synced")
        #expect(first["level"] as? String == "info")
        #expect(first["label"] as? String == "s2pg")
        #expect(first["table.name"] as? String == "orders")
        #expect(first["rows"] as? String == "3")
        #expect(first["tables"] as? [String] == ["a", "b"])
        let time = try #require(first["time"] as? String)
        #expect(try Date(time, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)).timeIntervalSinceNow > -60)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(written[1].utf8)) as? [String: Any])
        #expect(second["message"] as? String == "quote \" and\nnewline")
    }
}
