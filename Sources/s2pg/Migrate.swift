import ArgumentParser
import Logging
import PostgresClient
import S2PGCore

extension S2PGCommand {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update s2pg's state schema in the target.")

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let configuration = try options.load()
            let connection = try await PostgresConnection.connect(configuration.target.connection)
            let migrator = Migrator(schema: configuration.target.stateSchema)
            let applied = try await migrator.migrate(connection, logger: Logger(label: "s2pg"))
            let version = migrator.migrations.last?.label ?? "none"
            if applied.isEmpty {
                print("state schema \"\(migrator.schema)\" is up to date (\(version))")
            } else {
                print("state schema \"\(migrator.schema)\": applied \(applied.map(\.label).joined(separator: ", "))")
            }
        }
    }
}
