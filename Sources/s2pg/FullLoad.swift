import ArgumentParser
import S2PGCore

extension S2PGCommand {
    struct FullLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget the cursors of tables and copy them again from scratch, replacing each mirror atomically.")

        @OptionGroup var options: GlobalOptions

        @OptionGroup var selection: TableSelection

        @OptionGroup var waiting: WaitOption

        func run() async throws {
            try await Sync.pass(options, selection, command: "full-load", wait: waiting.duration)
        }
    }
}
