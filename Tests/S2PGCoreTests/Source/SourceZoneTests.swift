import Testing

@testable import S2PGCore

/// The zone the source's sessions are in, from what the server reports. SingleStore ignores SET time_zone
/// and reports its server's zone: `@@time_zone` (`SYSTEM` by default) and `@@system_time_zone`, often an
/// abbreviation (docs.singlestore.com, "time_zone" and "system_time_zone" in the list of engine variables).
@Suite("Source zone")
struct SourceZoneTests {
    @Test(
        "a zone that is UTC, an offset or a name is taken as reported",
        arguments: [
            ("+00:00", nil, SourceZone.utc), ("SYSTEM", "UTC", .utc), ("SYSTEM", "GMT", .utc), ("UTC", nil, .utc),
            ("+02:00", nil, .zone("+02:00")), ("-5:00", nil, .zone("-05:00")), ("SYSTEM", "+05:30", .zone("+05:30")),
            ("Europe/Berlin", nil, .zone("Europe/Berlin")), ("SYSTEM", "America/Chicago", .zone("America/Chicago")),
        ] as [(String, String?, SourceZone)])
    func resolved(_ session: String, _ system: String?, _ expected: SourceZone) throws {
        #expect(try SourceZone.resolve(session: session, system: system, configured: nil) == expected)
        // An unambiguous report wins over source.time_zone, which is for what cannot be told.
        #expect(try SourceZone.resolve(session: session, system: system, configured: "Asia/Tokyo") == expected)
    }

    @Test("an abbreviation names no single zone: refused with what to set, unless source.time_zone says which")
    func abbreviation() throws {
        #expect {
            try SourceZone.resolve(session: "SYSTEM", system: "CDT", configured: nil)
        } throws: { error in
            let message = (error as? S2PGError)?.message ?? ""
            return message.contains("time zone CDT, which names no single zone") && message.contains("set source.time_zone")
        }
        #expect(try SourceZone.resolve(session: "SYSTEM", system: "CDT", configured: "America/Chicago") == .zone("America/Chicago"))
        #expect(try SourceZone.resolve(session: "SYSTEM", system: "CDT", configured: "-5:00") == .zone("-05:00"))
    }

    @Test("PostgreSQL reads the zone: in COPY after the value, and as an interval where it is an offset (east positive)")
    func postgres() {
        #expect(SourceZone.utc.copySuffix == nil)
        #expect(SourceZone.zone("+02:00").copySuffix == Array(" +02:00".utf8))
        #expect(SourceZone.zone("+02:00").postgresLocalTime("\"t\"") == "(\"t\" AT TIME ZONE INTERVAL '+02:00')")
        #expect(SourceZone.zone("America/Chicago").postgresLocalTime("\"t\"") == "(\"t\" AT TIME ZONE 'America/Chicago')")
        #expect(SourceZone.utc.postgresLocalTime("\"t\"") == "(\"t\" AT TIME ZONE 'UTC')")
    }

    @Test("the clock: a TIMESTAMP cursor's in the sessions' zone, a DATETIME cursor's in source.time_zone by conversion")
    func clock() {
        #expect(SourceQueries.clock(isTimestamp: true, timeZone: nil, sessionZone: .utc) == ["SELECT UTC_TIMESTAMP(6)"])
        #expect(SourceQueries.clock(isTimestamp: true, timeZone: nil, sessionZone: .zone("+02:00")) == ["SELECT NOW(6)"])
        #expect(SourceQueries.clock(isTimestamp: false, timeZone: "-02:00", sessionZone: .zone("+02:00"))
            == ["SELECT CONVERT_TZ(UTC_TIMESTAMP(6), '+00:00', '-02:00')"])
        #expect(SourceQueries.clock(isTimestamp: false, timeZone: nil, sessionZone: .zone("+02:00")) == ["SELECT NOW(6)"])
    }
}
