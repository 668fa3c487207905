import ArgumentParser
import S2PGCore

/// The root command: only names the subcommands.
struct S2PGCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2pg",
        abstract: "Keep a PostgreSQL mirror of a SingleStoreDB database current.",
        version: S2PGVersion.current,
        subcommands: [Check.self, Migrate.self, Discover.self, Sync.self, Run.self, FullLoad.self, Status.self, Reset.self, Verify.self])
}
