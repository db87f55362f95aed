import Foundation
import Hub
import HubNode
import HubProtocol
import Testing
import ZeroMQ

@Suite("Key rotation on a running hub process", .serialized)
struct KeyRotationTests {
    @Test("after SIGHUP a revoked key cannot connect, the new key can, and other nodes' sessions stay up")
    func rotate() async throws {
        let network = try DeployedNetwork()
        let file = try TopologyFile.load(path: network.topologyPath)
        let dongduKey = try CurveKeyPair(secretKey: try KeyFiles.readKey(network.keys.appendingPathComponent("xm-dongdu.secret").path))
        let dongdu = try HubNode(configuration: NodeConfiguration(nodeID: "xm-dongdu", endpoint: file.endpoint, hubKey: file.hubPublicKey, keyPair: dongduKey), logger: quiet)
        let welcome = try await dongdu.start()
        _ = try await dongdu.submit(Make.report("before the rotation"))

        let listing = ["request", "list", "--timeout", "2"]
        #expect(try await network.runDetached("huli", listing).status == 0)

        // Rotate huli's key: keep the old secret aside, provision a new pair, tell the hub.
        let old = network.folder.appendingPathComponent("huli-old.secret").path
        try FileManager.default.moveItem(atPath: network.keys.appendingPathComponent("huli.secret").path, toPath: old)
        try FileManager.default.removeItem(at: network.keys.appendingPathComponent("huli.public"))
        try await DeployedNetwork.detached { try network.provision() }
        network.signal(SIGHUP)
        let deadline = Date().addingTimeInterval(10)
        while !network.hubLog.contains("node keys reloaded"), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(network.hubLog.contains("node keys reloaded"), "\(network.hubLog)")

        // The command line notices the stale key itself; the hub refuses it whatever the client checks.
        let revoked = try await network.runDetached("huli", listing, key: old)
        #expect(revoked.status != 0)
        #expect(revoked.output.contains("is not huli's key"), "\(revoked.output)")
        let oldPair = try CurveKeyPair(secretKey: try KeyFiles.readKey(old))
        let stale = try HubNode(configuration: NodeConfiguration(nodeID: "huli", endpoint: file.endpoint, hubKey: file.hubPublicKey, keyPair: oldPair), logger: quiet)
        await #expect(throws: (any Error).self) { _ = try await stale.start(timeout: .seconds(2)) }
        await stale.close()
        #expect(network.hubLog.contains("refused an unknown key"), "\(network.hubLog)")
        let renewed = try await network.runDetached("huli", listing)
        #expect(renewed.status == 0, "\(renewed.output)")

        // Dongdu's session, opened before the reload, was not dropped: same session, still served.
        _ = try await dongdu.submit(Make.report("after the rotation"))
        let presence = try await network.runDetached("commerce-bureau", ["replay", "--type", "node_presence", "--format", "jsonl"])
        let dongduOpenings = presence.output.split(separator: "\n").filter { $0.contains("\"nodeId\":\"xm-dongdu\"") && $0.contains("\"online\":true") }
        #expect(dongduOpenings.count == 1, "\(presence.output)")
        #expect(welcome.nodeID == "xm-dongdu")
        await dongdu.close()
        #expect(network.stop() == 0)
    }
}
