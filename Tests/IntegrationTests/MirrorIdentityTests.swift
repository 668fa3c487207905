import Foundation
import PostgresClient
import Testing

@testable import S2PGCore

/// A mirror that users added to keeps its identity through every reload: the rows go into it rather than
/// into a new table swapped in its place.
@Suite("Mirror identity", .enabled(if: LiveDatabases.enabled))
struct MirrorIdentityTests {
    @Test("a view, grant, index, trigger, foreign key, comment and publication on a mirror survive a refill and full-load")
    func objectsSurviveReloads() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE accounts (id INT NOT NULL PRIMARY KEY, name VARCHAR(20), updated_at DATETIME(6) NOT NULL)")
            try await fixture.source.execute("INSERT INTO accounts SELECT seq, CONCAT('a', seq), NOW(6) - INTERVAL 1 MINUTE FROM seq_1_to_100")
            try await fixture.sync()
            let mirror = PostgresIdentifier.qualified(fixture.schema, "accounts")
            let role = LiveDatabases.uniqueName("s2pg_reader")
            let publication = LiveDatabases.uniqueName("s2pg_pub")
            try await fixture.target.execute("CREATE ROLE \(role)")
            for sql in [
                "CREATE VIEW \(PostgresIdentifier.qualified(fixture.schema, "named")) AS SELECT id, name FROM \(mirror)",
                "GRANT SELECT ON \(mirror) TO \(role)",
                "CREATE INDEX accounts_name ON \(mirror) (name)",
                "CREATE FUNCTION \(PostgresIdentifier.qualified(fixture.schema, "touch"))() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
                "CREATE TRIGGER accounts_touch BEFORE UPDATE ON \(mirror) FOR EACH ROW EXECUTE FUNCTION \(PostgresIdentifier.qualified(fixture.schema, "touch"))()",
                "CREATE TABLE \(PostgresIdentifier.qualified(fixture.schema, "notes")) (account integer REFERENCES \(mirror) (id), body text)",
                "INSERT INTO \(PostgresIdentifier.qualified(fixture.schema, "notes")) VALUES (7, 'kept')",
                "COMMENT ON TABLE \(mirror) IS 'the accounts'",
                "CREATE PUBLICATION \(publication) FOR TABLE \(mirror)",
            ] { try await fixture.target.execute(sql) }
            let identity = try await fixture.mirror("SELECT $1::text::regclass::oid::text", [mirror])

            func survived() async throws {
                #expect(try await fixture.mirror("SELECT $1::text::regclass::oid::text", [mirror]) == identity)
                #expect(try await fixture.mirror("SELECT count(*)::text FROM \(PostgresIdentifier.qualified(fixture.schema, "named"))")
                    == fixture.mirror("SELECT count(*)::text FROM \(mirror)"))
                #expect(try await fixture.mirror("SELECT has_table_privilege('\(role)', $1::text, 'SELECT')::text", [mirror]) == [["true"]])
                #expect(try await fixture.mirror("SELECT count(*)::text FROM pg_indexes WHERE indexname = 'accounts_name'") == [["1"]])
                #expect(try await fixture.mirror("SELECT count(*)::text FROM pg_trigger WHERE tgname = 'accounts_touch'") == [["1"]])
                #expect(try await fixture.mirror("SELECT obj_description($1::text::regclass)", [mirror]) == [["the accounts"]])
                #expect(try await fixture.mirror("SELECT count(*)::text FROM pg_publication_tables WHERE pubname = '\(publication)'") == [["1"]])
                #expect(try await fixture.verify("accounts").isEqual)
            }

            // A column added at the source refills the table: into the mirror, which gains the column.
            try await fixture.source.execute("ALTER TABLE accounts ADD COLUMN tier INT NOT NULL DEFAULT 3")
            try await fixture.source.execute("DELETE FROM accounts WHERE id = 99")
            #expect(try await fixture.sync()["accounts"]?.kind == .reload)
            #expect(try await fixture.mirror("SELECT count(*)::text, min(tier)::text FROM \(mirror)") == [["99", "3"]])
            try await survived()

            // full-load, the same.
            try await fixture.source.execute("UPDATE accounts SET name = 'renamed' WHERE id = 7")
            let (file, environment) = try fixture.configurationFile()
            defer { try? FileManager.default.removeItem(at: file) }
            let load = try await S2PGProcess.run(["full-load", "--config", file.path], environment: environment)
            #expect(load.status == 0, "\(load.output)\(load.error)")
            #expect(try await fixture.mirror("SELECT name FROM \(mirror) WHERE id = 7") == [["renamed"]])
            try await survived()
            // The role and the publication belong to the cluster, not to the test's schema.
            try await fixture.target.execute("DROP PUBLICATION \(publication)")
            try await fixture.target.execute("DROP OWNED BY \(role)")
            try await fixture.target.execute("DROP ROLE \(role)")
        }
    }

    @Test("a mirror nothing was added to is replaced by its reload, as fast as before")
    func plainMirrorReplaced() async throws {
        try await SyncFixture.with { fixture in
            try await fixture.source.execute("CREATE TABLE plain (id INT NOT NULL PRIMARY KEY, v INT)")
            try await fixture.source.execute("INSERT INTO plain VALUES (1, 1)")
            try await fixture.sync()
            let mirror = PostgresIdentifier.qualified(fixture.schema, "plain")
            let before = try await fixture.mirror("SELECT $1::text::regclass::oid::text", [mirror])
            try await fixture.source.execute("ALTER TABLE plain ADD COLUMN w INT")
            #expect(try await fixture.sync()["plain"]?.kind == .reload)
            #expect(try await fixture.mirror("SELECT $1::text::regclass::oid::text", [mirror]) != before)
            #expect(try await fixture.verify("plain").isEqual)
        }
    }
}
