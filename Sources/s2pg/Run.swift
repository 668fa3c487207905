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

        @Option(help: "How often a pass starts: seconds, or with a unit (200ms, 90s, 5m, 1h). A pass that found changes is followed at once by the next.")
        var interval: Interval = Interval(duration: .seconds(60))

        func run() async throws {
            let replicator = Replicator(configuration: try options.load(), logger: Logger(label: "s2pg"), command: "run")
            let logger = replicator.logger
            let period = interval.duration
            let passes = Task {
                while !Task.isCancelled {
                    let started = ContinuousClock.now
                    var changed = false
                    do {
                        let outcomes = try await replicator.sync()
                        // A table stopped by the signal did not fail: its state is committed. One another process
                        // held was skipped, and is tried again next pass.
                        let failed = outcomes.filter {
                            if case .failure(let error) = $0.result { !(error is CancellationError) && $0.skipped == nil } else { false }
                        }.map(\.table)
                        let skipped = outcomes.filter { $0.skipped != nil }.map(\.table)
                        changed = outcomes.contains { (try? $0.result.get())?.foundChanges ?? false }
                        // A quiet pass is news only at debug: at a sub-second interval there are many.
                        logger.log(
                            level: changed || !failed.isEmpty || !skipped.isEmpty ? .info : .debug, "pass done",
                            metadata: ["tables": "\(outcomes.count)", "failed": "\(failed)", "skipped": "\(skipped)"])
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch let error as S2PGError where error.code == .configuration {
                        // A configuration the source contradicts (a table it does not have) will not heal.
                        throw error
                    } catch {
                        // A database that is down now may be back by the next pass: a mirror keeper keeps trying.
                        logger.error("pass failed, retrying in \(period): \(error)")
                    }
                    // Changes come in bursts: a pass that found some is followed at once by the next.
                    if !changed { try await Task.sleep(until: started + period) }
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

    /// `--interval`, `--wait`: `60`, `200ms`, `90s`, `5m`, `1h`; more than zero.
    struct Interval: ExpressibleByArgument {
        var duration: Duration

        init(duration: Duration) {
            self.duration = duration
        }

        init?(argument: String) {
            guard let duration = DurationText.duration(argument), duration > .zero else { return nil }
            self.duration = duration
        }
    }
}
