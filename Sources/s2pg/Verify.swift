import ArgumentParser
import Logging
import PostgresClient
import S2PGCore

extension S2PGCommand {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare mirror tables with their source tables, row by row, and print where they differ.",
            discussion: "Exit status 0 only when every compared table is equal (with --repair: equal once repaired).")

        @OptionGroup var options: GlobalOptions

        @OptionGroup var selection: TableSelection

        @Flag(help: "Repair the tables that differ (the rows the source has, as it has them; rows it lacks deleted unless sync.deletes is off), then compare them again.")
        var repair = false

        @Flag(help: "With --repair, let it delete more of a mirror than sync.max_delete_fraction allows.")
        var allowMassDelete = false

        @OptionGroup var wait: WaitOption

        func run() async throws {
            let configuration = try options.load()
            let logger = Logger(label: "s2pg")
            let replicator = Replicator(configuration: configuration, logger: logger, command: "verify")
            let plans = try await replicator.plans(only: selection.tables)
            let reports = try await Verifier(configuration: configuration).run(
                plans, repair: repair, replicator: replicator, wait: wait.duration, allowMassDelete: allowMassDelete) { print($0) }
            let different = reports.filter { !$0.isEqual }.count
            // Mirrors kept for tables the source no longer has: nothing to compare them with.
            let target = try await PostgresConnection.connect(configuration.target.connection)
            for state in try await StateStore(schema: configuration.target.stateSchema).all(on: target)
            where selection.tables.isEmpty || selection.tables.contains(state.sourceTable) {
                if let since = state.sourceMissingSince { print("\(state.sourceTable): source table missing since \(since): mirror kept, not compared") }
            }
            if different > 0 {
                print("\(different) of \(plans.count) tables differ")
                throw ExitCode.failure
            }
        }
    }
}
