import ChildProcesses
import Deployment
import EventLog
import FaultHarness
import Foundation
import Hub
import HubNode
import Testing
import ZeroMQ

/// Two `aeohub hub` processes on one PostgreSQL log, on two loopback ports that the topology lists,
/// and three units (a coordinator, `n1`, `n2`). Hub `0` and hub `1` each write their endpoint to a ready
/// file while they serve.
final class Pair: @unchecked Sendable {
    // @unchecked: one test owns it and uses it from one task at a time.
    let folder: URL
    let hubKeys: CurveKeyPair
    var keys: [String: CurveKeyPair] = [:]
    let endpoints: [String]
    var hubs: [ChildProcess?] = [nil, nil]
    private var nodes: [HubNode] = []

    init(store: PostgresLocation) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "aeohub-pair-\(UUID().uuidString.prefix(8))")
        hubKeys = try CurveKeyPair.generate()
        endpoints = try [FailoverDrill.freePort(), FailoverDrill.freePort()].map { "tcp://127.0.0.1:\($0)" }
        try KeyFiles.write(hubKeys, name: "hub", folder: folder.appendingPathComponent("keys").path)
        var units = ""
        for (id, role) in [("coordinator", "coordinator"), ("n1", "association"), ("n2", "association")] {
            let pair = try CurveKeyPair.generate()
            keys[id] = pair
            try KeyFiles.write(pair, name: id, folder: folder.appendingPathComponent("keys").path)
            units +=
                "  - id: \(id)\n    role: \(role)\n    name: Unit \(id)\n    public_key: \"\(pair.publicKey.z85)\"\n"
        }
        let yaml = """
            hub:
              bind: \(endpoints[0])
              endpoint: [\(endpoints.joined(separator: ", "))]
              public_key: "\(hubKeys.publicKey.z85)"
              secret_key_file: keys/hub.secret
              store: \(store)
            units:

            """
        try (yaml + units).write(toFile: topologyPath, atomically: true, encoding: .utf8)
    }

    var topologyPath: String { folder.appendingPathComponent("topology.yaml").path }
    func keyPath(_ id: String) -> String { folder.appendingPathComponent("keys/\(id).secret").path }
    func readyFile(_ index: Int) -> String { folder.appendingPathComponent("hub-\(index).endpoint").path }
    func log(_ index: Int) -> String {
        (try? String(contentsOfFile: folder.appendingPathComponent("hub-\(index).log").path, encoding: .utf8)) ?? ""
    }

    /// Starts hub `index`: it serves if it gets the lease, and waits otherwise.
    func launch(_ index: Int) throws {
        try? FileManager.default.removeItem(atPath: readyFile(index))
        hubs[index] = try ChildProcess(
            try #require(AEOHubProcess.locate()).path,
            [
                "hub", "--config", topologyPath, "--bind", endpoints[index], "--ready-file", readyFile(index),
                "--lease-seconds", "1.5", "--log-level", "notice",
            ],
            output: .discard, error: .appendingTo(folder.appendingPathComponent("hub-\(index).log").path))
    }

    /// Starts hub `index` and waits until it serves.
    func start(_ index: Int) async throws {
        try launch(index)
        try #require(try await waitUntilServing(index), "hub \(index) did not serve: \(log(index))")
    }

    func waitUntilServing(_ index: Int) async throws -> Bool {
        try await waitFor { FileManager.default.fileExists(atPath: self.readyFile(index)) }
    }

    func waitUntilStepped(down index: Int) async throws -> Bool {
        try await waitFor { !FileManager.default.fileExists(atPath: self.readyFile(index)) }
    }

    private func waitFor(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// A node of the pair (both endpoints), connected.
    func node(_ id: String) async throws -> HubNode {
        var configuration = NodeConfiguration(
            nodeID: id, endpoint: endpoints[0], hubKey: hubKeys.publicKey, keyPair: keys[id]!,
            stateDirectory: folder.appendingPathComponent("state").path)
        configuration.endpoints = endpoints
        configuration.retryInterval = .milliseconds(300)
        let node = try HubNode(configuration: configuration, logger: quiet)
        try await node.start(timeout: .seconds(20))
        nodes.append(node)
        return node
    }

    func stop() {
        for hub in hubs {
            hub?.signal(SIGCONT)
            hub?.terminate()
            hub?.wait()
        }
        try? FileManager.default.removeItem(at: folder)
    }
}
