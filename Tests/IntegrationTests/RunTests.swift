import Foundation
import PostgresClient
import S2PGCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("s2pg run", .enabled(if: LiveDatabases.enabled))
struct RunTests {
    @Test("run keeps the mirror current and stops cleanly on SIGTERM")
    func runAndStop() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE ticks (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO ticks VALUES (1, NOW(6))")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let process = try S2PGProcess.start(["run", "--interval", "1s", "--config", file.path], environment: environment)
            try await CrashTests.waitUntil { try await fixture.mirror("SELECT count(*)::text FROM ticks") == [["1"]] }
            try await fixture.source.execute("INSERT INTO ticks VALUES (2, NOW(6))")
            try await CrashTests.waitUntil { try await fixture.mirror("SELECT count(*)::text FROM ticks") == [["2"]] }
            kill(process.processIdentifier, SIGTERM)
            let stopped = ContinuousClock.now
            await S2PGProcess.waitForExit(process)
            #expect(ContinuousClock.now - stopped < .seconds(10))
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0)
            #expect(try await fixture.verify("ticks").isEqual)
        }
    }
}
