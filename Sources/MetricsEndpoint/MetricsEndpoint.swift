import Logging
import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import S2PGCore

/// `s2pg run --metrics HOST:PORT`: serves `/metrics` (Prometheus text of everything recorded through
/// swift-metrics), `/healthz` (the process is alive) and `/readyz` (`ServiceHealth`: 200 when ready, 503 with
/// the reason), over HTTP/1.1 on SwiftNIO's event loops, off Swift's cooperative pool.
public struct MetricsEndpoint: Sendable {
    let registry: PrometheusCollectorRegistry
    let health: @Sendable () async -> ServiceHealth

    /// Makes swift-metrics record into a Prometheus registry; call once, before anything records.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // A pass over a quiet mirror takes milliseconds; a reload, minutes.
        factory.defaultDurationHistogramBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300].map { .milliseconds(Int($0 * 1000)) }
        MetricsSystem.bootstrap(factory)
        return registry
    }

    public init(registry: PrometheusCollectorRegistry, health: @escaping @Sendable () async -> ServiceHealth) {
        self.registry = registry
        self.health = health
    }

    /// Listens on `address` and serves until the task is cancelled; throws when it cannot listen there.
    public func serve(on address: ListenAddress, logger: Logger) async throws {
        let server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw S2PGError(code: .configuration, message: "cannot serve metrics on \(address): \(error)")
        }
        logger.info("serving /metrics, /healthz and /readyz on http://\(address)")
        try await withThrowingDiscardingTaskGroup { group in
            try await withTaskCancellationHandler {
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { try? await self.answer(connection) }
                    }
                }
            } onCancel: {
                server.channel.close(promise: nil)
            }
        }
    }

    /// One request per connection, closed after its response: a scrape every few seconds costs nothing
    /// more, and no idle connection outlives `run`'s stop (cancelling closes it).
    private func answer(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async throws {
        try await withTaskCancellationHandler {
            try await connection.executeThenClose { requests, responses in
                var request: HTTPRequestHead?
                for try await part in requests {
                    switch part {
                    case .head(let head): request = head
                    case .body: continue
                    case .end:
                        guard let head = request else { return }
                        let (status, type, body) = await response(to: head)
                        let headers = HTTPHeaders([("Content-Type", type), ("Content-Length", String(body.count)), ("Connection", "close")])
                        try await responses.write(.head(HTTPResponseHead(version: head.version, status: status, headers: headers)))
                        if head.method != .HEAD { try await responses.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
                        try await responses.write(.end(nil))
                        return
                    }
                }
            }
        } onCancel: {
            connection.channel.close(promise: nil)
        }
    }

    /// What a request gets: status, content type and body.
    func response(to head: HTTPRequestHead) async -> (HTTPResponseStatus, String, [UInt8]) {
        guard head.method == .GET || head.method == .HEAD else {
            return (.methodNotAllowed, "text/plain; charset=utf-8", Array("GET only\n".utf8))
        }
        switch head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "" {
        case "/metrics":
            ReplicatorMetrics.recordFreshness(await health().freshness())
            return (.ok, "text/plain; version=0.0.4; charset=utf-8", registry.emitToBuffer())
        case "/healthz":
            return (.ok, "text/plain; charset=utf-8", Array("alive\n".utf8))
        case "/readyz":
            let (ready, reason) = await health().readiness()
            return (ready ? .ok : .serviceUnavailable, "text/plain; charset=utf-8", Array((reason + "\n").utf8))
        default:
            return (.notFound, "text/plain; charset=utf-8", Array("not found: try /metrics, /healthz or /readyz\n".utf8))
        }
    }
}
