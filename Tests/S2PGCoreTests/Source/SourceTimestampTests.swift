import Testing

@testable import S2PGCore

@Suite("SourceTimestamp")
struct SourceTimestampTests {
    @Test(
        "valid source timestamps parse exactly, to the microsecond",
        arguments: [
            ("2025-10-01 00:00:00", "2025-10-01 00:00:00.000000"),
            ("2025-10-01 06:30:59.5", "2025-10-01 06:30:59.500000"),
            ("2024-02-29 23:59:59.999999", "2024-02-29 23:59:59.999999"),
            ("2000-02-29 12:00:00.000001", "2000-02-29 12:00:00.000001"),
            ("1970-01-01 00:00:00.123", "1970-01-01 00:00:00.123000"),
        ])
    func parses(_ text: String, _ canonical: String) throws {
        let timestamp = try #require(SourceTimestamp(text))
        #expect(timestamp.description == canonical)
        #expect(SourceTimestamp(canonical) == timestamp)
    }

    @Test(
        "anything else is rejected",
        arguments: [
            "", "2025-10-01", "2025-10-01T00:00:00", "2025-10-01 00:00", "2025-13-01 00:00:00",
            "2025-02-29 00:00:00", "1900-02-29 00:00:00", "2025-04-31 00:00:00", "2025-10-01 24:00:00",
            "2025-10-01 00:60:00", "2025-10-01 00:00:60", "2025-10-01 00:00:00.", "2025-10-01 00:00:00.1234567",
            "0000-00-00 00:00:00", "2025-1x-01 00:00:00", " 2025-10-01 00:00:00",
        ])
    func rejects(_ text: String) {
        #expect(SourceTimestamp(text) == nil)
    }

    @Test(
        "cut to a column's precision, as the column stores it",
        arguments: [
            (0, "2025-10-01 06:30:59.000000"), (1, "2025-10-01 06:30:59.900000"), (3, "2025-10-01 06:30:59.987000"),
            (6, "2025-10-01 06:30:59.987654"),
        ])
    func truncated(_ digits: Int, _ expected: String) throws {
        #expect(try #require(SourceTimestamp("2025-10-01 06:30:59.987654")).truncated(toDigits: digits).description == expected)
    }

    @Test("order follows time, microseconds included")
    func ordering() throws {
        let earlier = try #require(SourceTimestamp("2025-10-01 00:00:00.000001"))
        let later = try #require(SourceTimestamp("2025-10-01 00:00:00.000002"))
        let nextDay = try #require(SourceTimestamp("2025-10-02 00:00:00"))
        #expect(earlier < later)
        #expect(later < nextDay)
        #expect(!(later < earlier))
    }

    @Test(
        "adding seconds crosses days, months, years and leap days exactly",
        arguments: [
            ("2025-10-01 00:00:00", 6 * 3600, "2025-10-01 06:00:00.000000"),
            ("2025-10-01 18:30:00.250000", 6 * 3600, "2025-10-02 00:30:00.250000"),
            ("2024-02-28 23:00:00", 3600, "2024-02-29 00:00:00.000000"),
            ("2023-12-31 23:59:59.999999", 1, "2024-01-01 00:00:00.999999"),
            ("2025-03-01 00:00:00", -1, "2025-02-28 23:59:59.000000"),
            ("2000-03-01 00:00:00", -86_400, "2000-02-29 00:00:00.000000"),
        ])
    func adding(_ start: String, _ seconds: Int, _ result: String) throws {
        let timestamp = try #require(SourceTimestamp(start))
        #expect(timestamp.adding(seconds: seconds).description == result)
        #expect(timestamp.adding(seconds: seconds).seconds(since: timestamp) == seconds)
    }
}

@Suite("SourceTimestamp microseconds")
struct SourceTimestampMicrosecondTests {
    @Test("moving by microseconds carries across seconds and days, both ways", arguments: [
        ("2026-01-01 00:00:00.000001", -2, "2025-12-31 23:59:59.999999"),
        ("2026-01-01 10:00:07.400000", -3_250_000, "2026-01-01 10:00:04.150000"),
        ("2026-02-28 23:59:59.999999", 1, "2026-03-01 00:00:00.000000"),
    ])
    func adding(start: String, microseconds: Int, result: String) {
        let moved = SourceTimestamp(start)!.adding(microseconds: microseconds)
        #expect(moved.description == result)
        #expect(moved.microseconds(since: SourceTimestamp(start)!) == microseconds)
    }
}
