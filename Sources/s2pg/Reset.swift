import ArgumentParser
import Logging
import PostgresClient
import S2PGCore

extension S2PGCommand {
    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget the cursor of tables, so that their next sync reloads them.")

        @OptionGroup var options: GlobalOptions

        @OptionGroup var selection: TableSelection

        func validate() throws {
            guard !selection.tables.isEmpty else { throw ValidationError("name at least one --table") }
        }

        func run() async throws {
            let configuration = try options.load()
            let target = try await PostgresConnection.connect(configuration.target.connection)
            try await Migrator(schema: configuration.target.stateSchema).migrate(target, logger: Logger(label: "s2pg"))
            let reset = try await StateStore(schema: configuration.target.stateSchema).reset(selection.tables, on: target)
            for table in selection.tables {
                print(reset.contains(table) ? "\(table): cursor forgotten; the next sync reloads it" : "\(table): no state (never synced)")
            }
        }
    }
}
