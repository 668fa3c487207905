import ArgumentParser
import Foundation
import Logging
import S2PGCore

extension S2PGCommand {
    struct Discover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every selected source table: its sync mode, key, columns, PostgreSQL types and DDL.",
            discussion: "Reads the source catalog only; the target is not touched.")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print JSON for scripts instead of text.")
        var json = false

        func run() async throws {
            let plans = try await Discovery.run(try options.load(), logger: Logger(label: "s2pg"))
            let reports = plans.map(TablePlanReport.init)
            if json {
                try JSONOutput.print(reports)
            } else {
                print(DiscoverText.render(reports))
            }
        }
    }
}
