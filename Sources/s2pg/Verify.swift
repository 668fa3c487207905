import ArgumentParser
import Logging
import S2PGCore

extension S2PGCommand {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare mirror tables with their source tables, row by row, and print where they differ.",
            discussion: "Exit status 0 only when every compared table is equal.")

        @OptionGroup var options: GlobalOptions

        @OptionGroup var selection: TableSelection

        func run() async throws {
            let configuration = try options.load()
            let plans = try await Replicator(configuration: configuration, logger: Logger(label: "s2pg")).plans(only: selection.tables)
            let verifier = Verifier(configuration: configuration)
            var different = 0
            for plan in plans {
                let report = try await verifier.verify(plan)
                print(report.summary)
                if !report.isEqual { different += 1 }
            }
            if different > 0 {
                print("\(different) of \(plans.count) tables differ")
                throw ExitCode.failure
            }
        }
    }
}
