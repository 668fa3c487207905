import ArgumentParser
import Foundation
import Logging
import PostgresClient
import S2PGCore

extension S2PGCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per table: mode, cursor, rows applied, last success, last error, and lag behind the source.")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print JSON for scripts instead of text.")
        var json = false

        func run() async throws {
            let configuration = try options.load()
            let target = try await PostgresConnection.connect(configuration.target.connection)
            try await Migrator(schema: configuration.target.stateSchema).migrate(target, logger: Logger(label: "s2pg"))
            let states = try await StateStore(schema: configuration.target.stateSchema).all(on: target)
            let plans = try await Discovery.run(configuration, logger: Logger(label: "s2pg"))
            let report = try await StatusReport.make(states, plans: plans, configuration: configuration)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.keyEncodingStrategy = .convertToSnakeCase
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.text)
            }
        }
    }
}
