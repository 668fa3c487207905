import ArgumentParser
import Logging
import S2PGCore

extension S2PGCommand {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sync every selected table once: changes since the last sync, or a reload where needed.")

        @OptionGroup var options: GlobalOptions

        @OptionGroup var selection: TableSelection

        @Flag(help: "Let this pass delete more of a mirror than sync.max_delete_fraction allows (with --table only).")
        var allowMassDelete = false

        func validate() throws {
            if allowMassDelete, selection.tables.isEmpty {
                throw ValidationError("--allow-mass-delete needs --table: name the tables whose mass delete you mean")
            }
        }

        func run() async throws {
            try await Self.pass(options, selection, command: "sync", wait: nil, allowMassDelete: allowMassDelete)
        }

        /// One pass and its summary; `full-load` is the same with a reload of each table, waiting for the
        /// tables other processes hold instead of skipping them.
        static func pass(
            _ options: GlobalOptions, _ selection: TableSelection, command: String, wait: Duration?, allowMassDelete: Bool = false
        ) async throws {
            let replicator = Replicator(
                configuration: try options.load(), logger: Logger(label: "s2pg"), command: command, progressLine: TerminalProgress.line(for: options))
            try SyncSummary.print(
                await replicator.sync(only: selection.tables, reload: wait != nil, wait: wait, allowMassDelete: allowMassDelete))
        }
    }
}
