import ArgumentParser
import Logging
import S2PGCore

/// Flags every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The configuration file.")
    var config = "configuration.json"

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "text, or json: one JSON object per line (time, level, message, metadata), for log shippers.")
    var logFormat: LogFormat = .text

    enum LogFormat: String, ExpressibleByArgument {
        case text, json
    }

    func validate() throws {
        guard !config.isEmpty else { throw ValidationError("--config needs a file name") }
    }

    /// Sets up logging to standard error and reads the configuration.
    func load() throws -> Configuration {
        let level = logLevel
        let format = logFormat
        LoggingSystem.bootstrap { label in
            switch format {
            case .json:
                return JSONLogHandler(label: label, level: level)
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        return try Configuration.load(file: config)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
