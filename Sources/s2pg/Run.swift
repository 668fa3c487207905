import ArgumentParser
import Dispatch
import Foundation
import Logging
import S2PGCore

extension S2PGCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sync again and again, keeping the mirror current. SIGINT or SIGTERM stop it at the next page boundary, state committed.")

        @OptionGroup var options: GlobalOptions

        @Option(help: "Pause between passes: seconds, or with a unit (90s, 5m, 1h).")
        var interval: Interval = Interval(seconds: 60)

        func run() async throws {
            let replicator = Replicator(configuration: try options.load(), logger: Logger(label: "s2pg"), command: "run")
            let logger = replicator.logger
            let pause = interval.seconds
            let passes = Task {
                while !Task.isCancelled {
                    do {
                        let outcomes = try await replicator.sync()
                        // A table stopped by the signal did not fail: its state is committed. One another process
                        // held was skipped, and is tried again next pass.
                        let failed = outcomes.filter {
                            if case .failure(let error) = $0.result { !(error is CancellationError) && $0.skipped == nil } else { false }
                        }.map(\.table)
                        let skipped = outcomes.filter { $0.skipped != nil }.map(\.table)
                        logger.info("pass done", metadata: ["tables": "\(outcomes.count)", "failed": "\(failed)", "skipped": "\(skipped)"])
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch let error as S2PGError where error.code == .configuration {
                        // A configuration the source contradicts (a table it does not have) will not heal.
                        throw error
                    } catch {
                        // A database that is down now may be back by the next pass: a mirror keeper keeps trying.
                        logger.error("pass failed, retrying in \(pause) s: \(error)")
                    }
                    try await Task.sleep(for: .seconds(pause))
                }
            }
            // Signals cancel the passes; each table stops between pages, after its last commit.
            var sources: [any DispatchSourceSignal] = []
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number)
                source.setEventHandler {
                    logger.notice("signal \(number): stopping at the next page boundary")
                    passes.cancel()
                }
                source.resume()
                sources.append(source)
            }
            defer { sources.forEach { $0.cancel() } }
            do {
                try await passes.value
            } catch is CancellationError {
                logger.notice("stopped")
            }
        }
    }

    /// `--interval`: `60`, `90s`, `5m`, `1h`.
    struct Interval: ExpressibleByArgument {
        var seconds: Int

        init(seconds: Int) {
            self.seconds = seconds
        }

        init?(argument: String) {
            guard let seconds = DurationText.seconds(argument) else { return nil }
            self.seconds = seconds
        }
    }
}
