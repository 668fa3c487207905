import ArgumentParser
import S2PGCore

extension S2PGCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect to the source and the target and print their server versions.")

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let report = await ConnectivityCheck.run(try options.load())
            for side in [report.source, report.target] {
                switch side.outcome {
                case .success(let description): print("\(side.role)  \(side.endpoint)  ok  \(description)")
                case .failure(let error): print("\(side.role)  \(side.endpoint)  FAILED  \(error)")
                }
            }
            for warning in report.warnings { print("warning  \(warning)") }
            if !report.succeeded { throw ExitCode.failure }
        }
    }
}
