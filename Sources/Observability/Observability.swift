/// The hub's metrics (swift-metrics, exported with swift-prometheus) and its health check, served
/// over HTTP beside the ZeroMQ endpoint.
public enum Observability {}
