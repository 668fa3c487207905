import MariaDBClient
import PostgresClient
import Testing

@testable import S2PGCore

@Suite("Source reader", .enabled(if: LiveDatabases.enabled))
struct SourceReaderTests {
    /// A reader for a two-column table (`id`, text), and a connection of its own: a given-up read cuts it.
    static func reader(_ fixture: SyncFixture) async throws -> (SourceReader, MariaDBConnection) {
        try await fixture.source.execute("CREATE TABLE wide (id INT NOT NULL PRIMARY KEY, v LONGTEXT)")
        let plans = try await Discovery.plans(fixture.configuration, source: fixture.source, logger: SyncFixture.logger)
        let plan = try #require(plans.first { $0.sourceName == "wide" })
        let reader = SourceReader(queries: SourceQueries(plan: plan))
        return (reader, try await MariaDBConnection.connect(fixture.configuration.source.connection))
    }

    /// Reads `sql` in chunks of 10 rows and cancels its own task after the first; returns how long the read
    /// took to end, and its outcome.
    static func readAndCancel(_ sql: String, _ reader: SourceReader, _ source: MariaDBConnection) async -> (Duration, Result<Int, any Error>) {
        let started = ContinuousClock.now
        let read = Task {
            var rows = 0
            try await reader.read(sql, from: source, chunkRows: 10, numbered: false) { chunk in
                rows += chunk.rows
                withUnsafeCurrentTask { $0?.cancel() }
            }
            return rows
        }
        let outcome = await read.result
        return (ContinuousClock.now - started, outcome)
    }

    @Test("a VECTOR packed in a binary column (SingleStore 8.7+'s default) or as JSON text reaches real[] and integer[] exact")
    func vectorForms() async throws {
        try await SyncFixture.with { fixture in
            // MariaDB has no VECTOR: its columns carry the two forms SingleStore sends, and the plan is the one
            // SingleStore's catalog gives (`vector(3, F32)`, `vector(2, I32)`).
            let floats: [Float] = [0.267261237, 0.534522474, 0.801783681]
            let packed = floats.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
            try await fixture.source.execute(
                "CREATE TABLE vecs (id INT NOT NULL PRIMARY KEY, fp VARBINARY(64), fj VARCHAR(100), ip VARBINARY(64), ij VARCHAR(100))")
            try await fixture.source.execute(
                """
                INSERT INTO vecs VALUES (1, \(MariaDBIdentifier.hexLiteral(packed)), '[0.267261237,0.534522474,0.801783681]',
                X'01000000FEFFFFFF', '[1,-2]'), (2, NULL, NULL, X'', '[]')
                """)
            var plan = try await Discovery.plans(fixture.configuration, source: fixture.source, logger: SyncFixture.logger)[0]
            for (index, type) in [(1, "vector(3, F32)"), (2, "vector(3, F32)"), (3, "vector(2, I32)"), (4, "vector(2, I32)")] {
                plan.columns[index].sourceType = SourceColumnType(type)
                plan.columns[index].mapped = TypeMapping().map(SourceColumnType(type))
            }
            var data: [UInt8] = []
            try await SourceReader(queries: SourceQueries(plan: plan)).read(
                "SELECT * FROM vecs ORDER BY id", from: fixture.source, chunkRows: 10, numbered: false
            ) { data += $0.data }
            try await fixture.target.execute("CREATE TABLE vecs (id integer, fp real[], fj real[], ip integer[], ij integer[])")
            try await fixture.target.beginCopy("COPY vecs FROM STDIN")
            try await fixture.target.writeCopy(data)
            try await fixture.target.endCopy()
            let expected = "{" + floats.map { "\($0)" }.joined(separator: ",") + "}"
            #expect(try await fixture.mirror("SELECT fp::text, fj::text, ip::text, ij::text FROM vecs ORDER BY id") == [
                [expected, expected, "{1,-2}", "{1,-2}"], [nil, nil, "{}", "{}"],
            ])
            #expect(try await fixture.mirror("SELECT fp = ARRAY[0.267261237, 0.534522474, 0.801783681]::real[] FROM vecs WHERE id = 1") == [["t"]])
        }
    }

    @Test("verify compares packed VECTORs of every element type by their bytes, and names what it cannot compare")
    func verifyPackedVectors() async throws {
        try await SyncFixture.with { fixture in
            // Little-endian elements as SingleStore packs them (singlestoredb-python's converters.py unpacks
            // `<{n}f`, `<{n}d`, `<{n}b`, `<{n}h`, `<{n}i`, `<{n}q`, `<{n}e`).
            func packed<T: FixedWidthInteger>(_ values: [T]) -> String {
                MariaDBIdentifier.hexLiteral(values.flatMap { value in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } })
            }
            let types = ["vector(3, F32)", "vector(2, F64)", "vector(3, I8)", "vector(2, I16)", "vector(2, I32)", "vector(2, I64)", "vector(2, F16)", "vector(2, F32)"]
            try await fixture.source.execute(
                "CREATE TABLE vecs (id INT NOT NULL PRIMARY KEY, f VARBINARY(64), d VARBINARY(64), b VARBINARY(64), s VARBINARY(64), i VARBINARY(64), q VARBINARY(64), h VARBINARY(64), j VARCHAR(100))")
            try await fixture.source.execute(
                """
                INSERT INTO vecs VALUES (1, \(packed([Float(0.267261237), -1.5e-7, 3.4e38].map(\.bitPattern))), \(packed([Double(0.1), -2.5e300].map(\.bitPattern))),
                \(packed([Int8(-1), 127, -128])), \(packed([Int16(-2), 300])), \(packed([Int32(-3), 70000])), \(packed([Int64.min, 5])),
                \(packed([UInt16(0x3C00), 0xC000])), '[0.5,-2]'), (2, NULL, X'', NULL, NULL, NULL, NULL, NULL, NULL)
                """)
            var plan = try await Discovery.plans(fixture.configuration, source: fixture.source, logger: SyncFixture.logger)[0]
            for (index, type) in types.enumerated() {
                plan.columns[index + 1].sourceType = SourceColumnType(type)
                plan.columns[index + 1].mapped = TypeMapping().map(SourceColumnType(type))
            }
            var data: [UInt8] = []
            try await SourceReader(queries: SourceQueries(plan: plan)).read(
                try SourceQueries(plan: plan).reload(afterKey: nil, since: nil), from: fixture.source, chunkRows: 10, numbered: false
            ) { data += $0.data }
            try await fixture.target.execute(plan.createTableSQL)
            let names = plan.columns.map { PostgresIdentifier.quote($0.targetName) }.joined(separator: ", ")
            try await fixture.target.beginCopy("COPY \(plan.qualifiedTargetName) (\(names)) FROM STDIN")
            try await fixture.target.writeCopy(data)
            try await fixture.target.endCopy()

            let equal = try await Verifier(configuration: fixture.configuration).verify(plan)
            #expect(equal.isEqual, "\(equal.summary)")
            #expect(equal.uncomparedColumns == ["h (packed F16 VECTOR)"])
            for (column, value) in [("f", "{0.267261237,-1.5e-7,3.3e38}"), ("d", "{0.1,-2.5e300,1}"), ("b", "{-1,127,-127}"), ("q", "{-9223372036854775808,6}")] {
                let mirror = try await fixture.mirror("SELECT \(column)::text FROM \(plan.qualifiedTargetName) WHERE id = 1")[0][0]!
                try await fixture.target.execute("UPDATE \(plan.qualifiedTargetName) SET \(column) = '\(value)' WHERE id = 1")
                let report = try await Verifier(configuration: fixture.configuration).verify(plan)
                #expect(report.different == ["1"], "\(column)")
                try await fixture.target.execute("UPDATE \(plan.qualifiedTargetName) SET \(column) = '\(mirror)' WHERE id = 1")
            }
            #expect(try await Verifier(configuration: fixture.configuration).verify(plan).isEqual)
        }
    }

    @Test("a cancelled read throws at once: a cut-short result never passes for a whole one")
    func cancelledRead() async throws {
        try await SyncFixture.with { fixture in
            let (reader, source) = try await Self.reader(fixture)
            // Rows come 10 ms apart (each larger than the server's 16 KiB network buffer, so each is sent as it
            // is made), so the queue is empty when the task is cancelled after the first chunk: the stream then
            // just ends, and only the reader can tell that from the end of the result.
            let (took, outcome) = await Self.readAndCancel(
                "SELECT seq, CONCAT(REPEAT('x', 20000), SLEEP(0.01)) FROM seq_1_to_1000", reader, source)
            #expect(throws: CancellationError.self) { try outcome.get() }
            // The other 990 rows are not waited for (9.9 s).
            #expect(took < .seconds(3))
            let refusal = await #expect(throws: MariaDBError.self) { try await source.query("SELECT 1") }
            #expect(refusal?.message.contains("given up") == true)
        }
    }

    @Test("a given-up read stops the server's query once its connection is gone")
    func serverStops() async throws {
        try await SyncFixture.with { fixture in
            var (reader, source): (SourceReader, MariaDBConnection?) = try await Self.reader(fixture)
            // 2 GB as fast as the server can send: it blocks on a full socket when the reader stops.
            let (took, outcome) = await Self.readAndCancel(
                "SELECT seq, REPEAT('y', 20000) FROM seq_1_to_100000", reader, source!)
            #expect(throws: CancellationError.self) { try outcome.get() }
            #expect(took < .seconds(3))
            source = nil
            // Not left writing to a peer that reads nothing until its write timeout (60 s).
            let gone = ContinuousClock.now
            let running = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT seq, REPEAT(%'"
            try await CrashTests.waitUntil { try await fixture.source.query(running).strings == [["0"]] }
            #expect(ContinuousClock.now - gone < .seconds(5))
        }
    }
}
