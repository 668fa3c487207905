import ArgumentParser
import Foundation
import Logging
import PostgresClient
import S2PGCore

extension S2PGCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per table: mode, cursor, rows applied, last success, last error, and lag behind the source; then the s2pg run workers and the tables each holds.")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print JSON for scripts instead of text.")
        var json = false

        func run() async throws {
            let configuration = try options.load()
            let target = try await PostgresConnection.connect(configuration.target.connection)
            try await Migrator(schema: configuration.target.stateSchema).migrate(target, logger: Logger(label: "s2pg"))
            let states = try await StateStore(schema: configuration.target.stateSchema).all(on: target)
            let holders = try await TableLease.holders(schema: configuration.target.stateSchema, on: target)
            let workers = try await WorkerRegistry.all(schema: configuration.target.stateSchema, on: target)
            // The state is in the target; the source only adds the lag, so an unreachable source is no failure.
            let report = await StatusReport.make(states, holders: holders, workers: workers, configuration: configuration)
            if json {
                try JSONOutput.print(report)
            } else {
                print(report.text)
            }
        }
    }
}
