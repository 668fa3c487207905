import Foundation
import PostgresClient
import Testing

@testable import S2PGCore

/// The refusal path of a binary reload, which MariaDB's values never take (each is a value of its type): a
/// chunk with a number that does not parse, as `BinaryCopyEncoder` writes it.
@Suite("Binary COPY refusals", .enabled(if: LiveDatabases.enabled))
struct BinaryRefusalTests {
    @Test("a binary reload chunk PostgreSQL refuses is copied again row by row: the refused row kept in the reject log as COPY text, by key")
    func refusedRow() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE stock (id INT NOT NULL PRIMARY KEY, qty INT, note VARCHAR(20))")
            try await fixture.sync()
            let plan = try #require(try await Replicator(configuration: fixture.configuration, logger: SyncFixture.logger).plans(only: ["stock"]).first)
            let state = StateStore(schema: fixture.configuration.target.stateSchema)
            let writer = TargetWriter(plan: plan, state: state, binaryCopy: true)
            guard case .binary(let fields) = writer.format else {
                Issue.record("stock should be copied in binary")
                return
            }
            var encoder = BinaryCopyEncoder(fields: fields)
            var ends: [Int] = []
            for row in [["1", "5", "a"], ["2", "many", "b\tc"], ["3", "7", nil]] {
                encoder.output += [0, 3]
                for (value, field) in zip(row, fields) {
                    if let value { Array(value.utf8).withUnsafeBytes { encoder.append($0, as: field) } } else { encoder.output += [0xFF, 0xFF, 0xFF, 0xFF] }
                }
                ends.append(encoder.output.count)
            }
            let chunk = EncodedChunk(data: encoder.output, rows: 3, rowEnds: ends, lastKey: ["3"])
            try await fixture.target.run { try writer.beginReload(startedAt: nil, parts: [], on: $0) }
            let rejected = try await fixture.target.run { try writer.copyReloadChunk(chunk, part: nil, on: $0) }
            #expect(rejected == 1)
            let load = PostgresIdentifier.qualified(fixture.schema, writer.loadTable)
            #expect(try await fixture.mirror("SELECT id::text, qty::text, note FROM \(load) ORDER BY id") == [["1", "5", "a"], ["3", "7", nil]])
            let rejects = try await fixture.mirror(
                "SELECT row_key, row_data, reason FROM \(PostgresIdentifier.qualified(fixture.configuration.target.stateSchema, "rejects"))")
            #expect(rejects.count == 1)
            #expect(rejects.first?[0] == "id=2")
            // The malformed field as hexadecimal digits, escaped as bytea is in COPY text.
            #expect(rejects.first?[1] == "2\t\\\\x0000000000\tb\\tc")
            #expect(rejects.first?[2]?.contains("incorrect binary data format") == true)
            #expect(try await fixture.state("stock").fullLoadKey == ["3"])
        }
    }
}
