import Foundation
import Testing

@testable import S2PGCore

@Suite("Embedded migrations")
struct EmbeddedMigrationsTests {
    // Tests/S2PGCoreTests/State/EmbeddedMigrationsTests.swift
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("migrations")

    @Test("the binary carries exactly the files of migrations/, byte for byte")
    func matchesFolder() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(!files.isEmpty)
        #expect(Migration.embedded.map { "\($0.label).sql" } == files)
        for (migration, file) in zip(Migration.embedded, files) {
            let text = try String(contentsOf: Self.folder.appendingPathComponent(file), encoding: .utf8)
            #expect(migration.sql == text, "\(file) differs from its embedded copy")
        }
    }

    @Test("versions are unique and increasing")
    func versions() {
        let versions = Migration.embedded.map(\.version)
        #expect(versions == versions.sorted())
        #expect(Set(versions).count == versions.count)
    }
}
