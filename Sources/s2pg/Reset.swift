import ArgumentParser
import Logging
import S2PGCore

extension S2PGCommand {
    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget the cursor of tables, so that their next sync reloads them.")

        @OptionGroup var options: GlobalOptions

        @OptionGroup var selection: TableSelection

        @OptionGroup var waiting: WaitOption

        func validate() throws {
            guard !selection.tables.isEmpty else { throw ValidationError("name at least one --table") }
        }

        func run() async throws {
            let replicator = Replicator(configuration: try options.load(), logger: Logger(label: "s2pg"), command: "reset")
            let reset = try await replicator.reset(selection.tables, wait: waiting.duration)
            for table in selection.tables {
                print(reset.contains(table) ? "\(table): cursor forgotten; the next sync reloads it" : "\(table): no state (never synced)")
            }
        }
    }
}
