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
                    group.addTask { try await live.passes(every: period, health: health) }
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
