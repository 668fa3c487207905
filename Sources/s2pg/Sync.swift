import ArgumentParser
import Logging
import S2PGCore

extension S2PGCommand {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sync every selected table once: changes since the last sync, or a reload where needed.")

        @OptionGroup var options: GlobalOptions

        @OptionGroup var selection: TableSelection

        func run() async throws {
            try await Self.pass(options, selection, reload: false)
        }

        /// One pass and its summary; `full-load` is the same with `reload`.
        static func pass(_ options: GlobalOptions, _ selection: TableSelection, reload: Bool) async throws {
            let replicator = Replicator(configuration: try options.load(), logger: Logger(label: "s2pg"))
            try SyncSummary.print(await replicator.sync(only: selection.tables, reload: reload))
        }
    }
}
