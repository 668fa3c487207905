import ArgumentParser
import Dispatch
import Foundation
import Logging
import MetricsEndpoint
import S2PGCore

extension S2PGCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sync again and again, keeping the mirror current. SIGINT or SIGTERM stop it at the next page boundary, state committed.")

        @OptionGroup var options: GlobalOptions

        @Option(help: "How often a pass starts: seconds, or with a unit (200ms, 90s, 5m, 1h). A pass that found changes is followed at once by the next.")
        var interval: Interval = Interval(duration: .seconds(60))

        @Option(help: "Serve /metrics (Prometheus), /healthz and /readyz on HOST:PORT, such as 127.0.0.1:9187 (overrides metrics.listen).")
        var metrics: ListenAddress?

        func run() async throws {
            let configuration = try options.load()
            let replicator = Replicator(
                configuration: configuration, logger: Logger(label: "s2pg"), command: "run", progressLine: TerminalProgress.line(for: options))
            let logger = replicator.logger
            let period = interval.duration
            let health = Locked(ServiceHealth(interval: period))
            let endpoint = (metrics ?? configuration.metricsListen).map { address in
                (address, MetricsEndpoint(registry: MetricsEndpoint.bootstrap(), health: { health.withLock { $0 } }))
            }
            let live = LiveReplicator(replicator)
            let work = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    if let (address, endpoint) = endpoint {
                        group.addTask { try await endpoint.serve(on: address, logger: logger) }
                    }
                    group.addTask { try await live.heartbeat() }
                    group.addTask { try await Self.passes(live, every: period, health: health) }
                    // Each ends only by an error or the signal: then all stop.
                    defer { group.cancelAll() }
                    try await group.next()
                }
            }
            // Signals cancel the passes; each table stops between pages, after its last commit.
            var sources: [any DispatchSourceSignal] = []
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number)
                source.setEventHandler {
                    logger.notice("signal \(number): stopping at the next page boundary")
                    work.cancel()
                }
                source.resume()
                sources.append(source)
            }
            defer { sources.forEach { $0.cancel() } }
            // However it stops, its tables go to the other workers at once rather than when its lease expires.
            let ended = await work.result
            await live.leave()
            if case .failure(let error) = ended {
                guard error is CancellationError else { throw error }
                logger.notice("stopped")
            }
        }

        /// Pass after pass, one every `period` (at once after a pass that found changes), until cancelled or
        /// stopped by a configuration the source contradicts.
        static func passes(_ live: LiveReplicator, every period: Duration, health: Locked<ServiceHealth>) async throws {
            let logger = live.replicator.logger
            while !Task.isCancelled {
                let started = ContinuousClock.now
                var changed = false
                var readableIn: Duration?
                do {
                    let outcomes = try await live.pass()
                    health.withLock { $0.record(outcomes, started: started, ended: .now) }
                    // A table stopped by the signal did not fail: its state is committed. One another process
                    // held was skipped, and is tried again next pass.
                    let failed = outcomes.filter {
                        if case .failure(let error) = $0.result { !(error is CancellationError) && $0.skipped == nil } else { false }
                    }.map(\.table)
                    let skipped = outcomes.filter { $0.skipped != nil }.map(\.table)
                    changed = outcomes.contains { (try? $0.result.get())?.foundChanges ?? false }
                    readableIn = outcomes.compactMap { (try? $0.result.get())?.readableIn }.min()
                    // A quiet pass is news only at debug: at a sub-second interval there are many.
                    logger.log(
                        level: changed || !failed.isEmpty || !skipped.isEmpty ? .info : .debug, "pass done",
                        metadata: [
                            "tables": "\(outcomes.count)", "failed": "\(failed)", "skipped": "\(skipped)",
                            "probed_quiet": "\(outcomes.count { (try? $0.result.get())?.probed ?? false })",
                            "seconds": "\(Replicator.format((ContinuousClock.now - started) / .seconds(1)))",
                        ])
                } catch is CancellationError {
                    throw CancellationError()
                } catch let error as S2PGError where error.code == .configuration {
                    // A configuration the source contradicts (a table it does not have) will not heal.
                    throw error
                } catch {
                    // A database that is down now may be back by the next pass: a mirror keeper keeps trying.
                    logger.error("pass failed, retrying in \(period): \(error)")
                }
                ReplicatorMetrics.recordPass(ContinuousClock.now - started)
                // Changes come in bursts: a pass that found some is followed at once by the next, and one that
                // left rows for the clock's tick to end, once it has.
                if !changed { try await Task.sleep(until: min(started + period, .now + (readableIn ?? period))) }
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

extension ListenAddress: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }
}
