import Foundation
import Metrics
import Prometheus

/// The hub's metrics (swift-metrics, exported with swift-prometheus) and its health check, served
/// over HTTP beside the ZeroMQ endpoint by ``ObservabilityServer``.
///
/// The executable makes one ``MetricsBackend``, bootstraps `MetricsSystem` with it, and gives its
/// factory to the hub (`HubConfiguration.metricsFactory`) and the backend to the server. Library code
/// never bootstraps: tests run many hubs in one process, each with a backend of its own.
public enum Observability {
    /// Reads an HTTP listening address: `HOST:PORT`, `[IPv6]:PORT`, `:PORT` or `PORT` (the last two
    /// on 127.0.0.1). Answers `nil` if it is not one.
    public static func parseAddress(_ text: String) -> (host: String, port: Int)? {
        var host = "127.0.0.1"
        var portText = Substring(text)
        if let colon = text.lastIndex(of: ":") {
            let hostPart = text[..<colon]
            portText = text[text.index(after: colon)...]
            if hostPart.hasPrefix("["), hostPart.hasSuffix("]") {
                host = String(hostPart.dropFirst().dropLast())
            } else if !hostPart.isEmpty {
                guard !hostPart.contains(":") else { return nil }
                host = String(hostPart)
            }
        }
        guard let port = Int(portText), (0...65535).contains(port), !host.isEmpty else { return nil }
        return (host, port)
    }
}

/// A metrics backend: a Prometheus registry and the swift-metrics factory that writes into it, with
/// histogram buckets that suit the hub's batch sizes (1 to 1000 records) and commit times (a fsync:
/// a millisecond or more).
public struct MetricsBackend: Sendable {
    /// What `/metrics` exports.
    public let registry: PrometheusCollectorRegistry
    /// The factory for the hub (`HubConfiguration.metricsFactory`), writing into ``registry``.
    public let factory: any MetricsFactory

    /// A backend with a registry of its own.
    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets["aeohub_batch_size"] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000]
        factory.durationHistogramBuckets["aeohub_commit_seconds"] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500),
        ]
        self.factory = factory
    }

    /// Makes this the process's `MetricsSystem` backend, for metrics made without a factory. Process
    /// wide and allowed once: only an executable's command calls it.
    public func bootstrap() {
        MetricsSystem.bootstrap(factory)
    }
}
