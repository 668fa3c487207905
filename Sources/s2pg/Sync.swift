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
            try await Self.pass(options, selection, command: "sync", wait: nil)
        }

        /// One pass and its summary; `full-load` is the same with a reload of each table, waiting for the
        /// tables other processes hold instead of skipping them.
        static func pass(_ options: GlobalOptions, _ selection: TableSelection, command: String, wait: Duration?) async throws {
            let replicator = Replicator(configuration: try options.load(), logger: Logger(label: "s2pg"), command: command)
            try SyncSummary.print(await replicator.sync(only: selection.tables, reload: wait != nil, wait: wait))
        }
    }
}
