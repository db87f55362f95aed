import Deployment
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
        // Dongdu's node daemon runs throughout, in its own process.
        let dongduInbox = try network.listen("xm-dongdu")
        let listing = ["request", "list", "--timeout", "2"]
        #expect(try await network.runDetached("huli", listing).status == 0)

        // Rotate huli's key: keep the old secret aside, provision a new pair, tell the hub.
        let old = network.folder.appendingPathComponent("huli-old.secret").path
        try FileManager.default.moveItem(atPath: network.keys.appendingPathComponent("huli.secret").path, toPath: old)
        try FileManager.default.removeItem(at: network.keys.appendingPathComponent("huli.public"))
        try await DeployedNetwork.detached { try network.provision() }
        network.signal(SIGHUP)
        let deadline = Date().addingTimeInterval(10)
        while !network.hubLog.contains("node keys reloaded"), Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(network.hubLog.contains("node keys reloaded"), "\(network.hubLog)")

        // The command line notices the stale key itself; the hub refuses it whatever the client checks.
        let revoked = try await network.runDetached("huli", listing, key: old)
        #expect(revoked.status != 0)
        #expect(revoked.output.contains("is not huli's key"), "\(revoked.output)")
        let oldPair = try CurveKeyPair(secretKey: try KeyFiles.readKey(old))
        let stale = try HubNode(
            configuration: NodeConfiguration(
                nodeID: "huli", endpoint: file.endpoint, hubKey: file.hubPublicKey, keyPair: oldPair), logger: quiet)
        // The hub's ZAP handler refused the key; the node hears it from the handshake at once.
        do {
            _ = try await stale.start(timeout: .seconds(10))
            Issue.record("a revoked key opened a session")
        } catch NodeError.keyRefused(let why) {
            #expect(why.contains("refused this node's key"))
        } catch {
            Issue.record("expected keyRefused, got \(error)")
        }
        await stale.close()
        #expect(network.hubLog.contains("refused an unknown key"), "\(network.hubLog)")

        // With the new key huli files a request; Dongdu's session, opened before the reload, gets it.
        let filed = try await network.runDetached(
            "huli",
            [
                "request", "file", "--request", "REQ-R1", "--uscc", "91350200776049653A",
                "--name", "Xiamen Example Trading", "--area", "350206", "--category", "policy",
                "--description", "After the rotation.", "--contact-name", "Lin Wei",
            ])
        #expect(filed.status == 0, "\(filed.output)")
        let received = Date().addingTimeInterval(10)
        while !DeployedNetwork.inboxTypes(dongduInbox).contains("request_filed"), Date() < received {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(DeployedNetwork.inboxTypes(dongduInbox) == ["request_filed"])
        let presence = try await network.runDetached(
            "commerce-bureau", ["replay", "--type", "node_presence", "--format", "jsonl"])
        let dongduOpenings = presence.output.split(separator: "\n").filter {
            $0.contains("\"node_id\":\"xm-dongdu\"") && $0.contains("\"online\":true")
        }
        #expect(dongduOpenings.count == 1, "\(presence.output)")
        #expect(try await DeployedNetwork.detached { network.stop() } == 0)
    }

    @Test("a unit added to the file and reloaded by SIGHUP is refused at ZAP until a restart (issue 13, defect 11)")
    func unitAddedByReload() async throws {
        let network = try DeployedNetwork()
        // The new unit makes its own key and sends the public key; the operator adds it to the file.
        let secret = network.keys.appendingPathComponent("newcomer-bureau.secret").path
        let made = try await DeployedNetwork.detached { try AEOHubProcess.run(["keys", "generate", "--out", secret]) }
        #expect(made.status == 0, "\(made.output)")
        let publicKey = made.output.trimmingCharacters(in: .whitespacesAndNewlines)
        var text = try String(contentsOfFile: network.topologyPath, encoding: .utf8)
        let entry =
            "  - id: newcomer-bureau\n    role: department\n    name: \"Newcomer Bureau\"\n"
            + "    public_key: \"\(publicKey)\"\n"
        text = text.replacingOccurrences(of: "\nauthorisation:", with: "\n" + entry + "authorisation:")
        try text.write(toFile: network.topologyPath, atomically: true, encoding: .utf8)
        network.signal(SIGHUP)
        let deadline = Date().addingTimeInterval(10)
        while !network.hubLog.contains("node keys reloaded"), Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(network.hubLog.contains("left out until the hub restarts"), "\(network.hubLog)")
        #expect(network.hubLog.contains("newcomer-bureau"), "\(network.hubLog)")

        // Its key gets no session, so no WELCOME with an empty role and no presence record.
        let file = try TopologyFile.load(path: network.topologyPath)
        let pair = try CurveKeyPair(secretKey: try KeyFiles.readSecretKey(secret))
        let node = try HubNode(
            configuration: NodeConfiguration(
                nodeID: "newcomer-bureau", endpoint: file.endpoint, hubKey: file.hubPublicKey, keyPair: pair),
            logger: quiet)
        await #expect(throws: NodeError.self) { try await node.start(timeout: .seconds(10)) }
        await node.close()
        let presence = try await network.runDetached(
            "commerce-bureau", ["replay", "--type", "node_presence", "--format", "jsonl"])
        #expect(!presence.output.contains("newcomer-bureau"), "\(presence.output)")
        #expect(try await DeployedNetwork.detached { network.stop() } == 0)
    }
}
