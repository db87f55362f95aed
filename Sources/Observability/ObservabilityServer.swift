import Foundation
import Hub
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// The HTTP side of a running hub, a swift-service-lifecycle `Service` for the hub's `ServiceGroup`:
///
/// - `GET /metrics`: the registry in Prometheus' text format, with `aeohub_loop_age_seconds`,
///   `aeohub_store_up` and `aeohub_healthy` measured at each scrape (a stuck hub thread cannot
///   report its own age);
/// - `GET /healthz`: 200 and `{"status":"ok","loop_age_ms":..,"store":"ok","head":N}` when the hub's
///   loop went round recently and its log answers a read, else 503 with the reason.
public struct ObservabilityServer: Service {
    private let host: String
    private let port: Int
    private let registry: PrometheusCollectorRegistry
    private let health: HubHealth
    private let logger: Logger
    private let onListening: @Sendable (_ host: String, _ port: Int) async -> Void
    private let scrapeGauges: ScrapeGauges

    /// Serves the metrics in `metrics` and the hub's health on `host:port` (port 0: any free port,
    /// told to `onListening` with the host once the server listens).
    public init(
        host: String = "127.0.0.1", port: Int, metrics: MetricsBackend, health: HubHealth,
        logger: Logger, onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
    ) {
        self.host = host
        self.port = port
        registry = metrics.registry
        self.health = health
        self.logger = logger
        self.onListening = onListening
        scrapeGauges = ScrapeGauges(metrics.registry)
    }

    /// Serves until cancelled or gracefully shut down.
    public func run() async throws {
        let router = Router()
        let registry = registry
        let health = health
        let gauges = scrapeGauges
        router.get("metrics") { _, _ -> Response in
            gauges.record(await health.check())
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("healthz") { _, _ -> Response in
            let report = await health.check()
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "no-store"
            return Response(
                status: report.healthy ? .ok : .serviceUnavailable, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: report.json + "\n")))
        }
        let host = host
        let onListening = onListening
        let logger = logger
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                logger.info("metrics and health served", metadata: ["address": "http://\(host):\(bound)"])
                await onListening(host, bound)
            },
            logger: logger)
        try await application.run()
    }
}

/// The gauges measured at scrape time rather than by the hub thread.
private struct ScrapeGauges: Sendable {
    let loopAge: Gauge
    let storeUp: Gauge
    let healthy: Gauge

    init(_ registry: PrometheusCollectorRegistry) {
        loopAge = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "aeohub_loop_age", unitName: "seconds",
                helpText: "Time since the hub thread's loop last went round (-1: not running)"))
        storeUp = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "aeohub_store", unitName: "up",
                helpText: "1 if the event log answered a read through the health check's own connection"))
        healthy = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "aeohub", unitName: "healthy", helpText: "1 if /healthz answers 200"))
    }

    func record(_ report: HubHealth.Report) {
        loopAge.set(report.loopAge.map { Double(HubHealth.Report.milliseconds($0)) / 1000 } ?? -1)
        storeUp.set(report.storeError == nil ? 1.0 : 0.0)
        healthy.set(report.healthy ? 1.0 : 0.0)
    }
}
