import Testing

@testable import S2PGCore

@Suite("Source reader", .enabled(if: LiveDatabases.enabled))
struct SourceReaderTests {
    @Test("a cancelled read throws CancellationError at once: a cut-short result never passes for a whole one")
    func cancelledRead() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE slow (id INT NOT NULL PRIMARY KEY, v TEXT)")
            let plans = try await Discovery.plans(fixture.configuration, source: fixture.source, logger: SyncFixture.logger)
            let plan = try #require(plans.first { $0.sourceName == "slow" })
            let reader = SourceReader(queries: SourceQueries(plan: plan), encodings: plan.columns.map(ValueEncoding.init))
            let source = fixture.source
            // Rows come 10 ms apart (each larger than the server's 16 KiB network buffer, so each is sent as it
            // is made), so the queue is empty when the task is cancelled after the first chunk: the stream then
            // just ends, and only the reader can tell that from the end of the result.
            let read = Task {
                var rows = 0
                try await reader.read("SELECT seq, CONCAT(REPEAT('x', 20000), SLEEP(0.01)) FROM seq_1_to_1000", from: source, chunkRows: 10, numbered: false) { chunk in
                    rows += chunk.rows
                    withUnsafeCurrentTask { $0?.cancel() }
                }
                return rows
            }
            let started = ContinuousClock.now
            await #expect(throws: CancellationError.self) { try await read.value }
            // The other 990 rows are not waited for (9.9 s): the server stops the query, and the connection
            // goes on.
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(try await source.query("SELECT 1").strings == [["1"]])
        }
    }
}
