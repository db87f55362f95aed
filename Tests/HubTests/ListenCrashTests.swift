import ChildProcesses
import Deployment
import Foundation
import Hub
import HubNode
import HubProtocol
import Testing
import ZeroMQ

@Suite("aeohub listen across kills", .serialized)
struct ListenCrashTests {
    @Test(
        """
        aeohub listen catching up in bursts, killed -9 after a burst is on disk and before it is acknowledged, four \
        times: every delivery in its inbox once, in order
        """
    )
    func killedBetweenFsyncAndAck() async throws {
        let network = try DeployedNetwork(rateLimit: "off")
        let file = try TopologyFile.load(path: network.topologyPath)
        let sender = try HubNode(
            configuration: NodeConfiguration(
                nodeID: "huli", endpoint: network.endpoint, hubKey: file.hubPublicKey,
                keyPair: try CurveKeyPair(
                    secretKey: try KeyFiles.readSecretKey(network.keys.appendingPathComponent("huli.secret").path))),
            logger: quiet)
        try await sender.start()
        // Queued while the daemon is down, so that it catches up in bursts of the batch limit.
        var accepted: [UInt64] = []
        for chunk in 0..<10 {
            accepted += try await withThrowingTaskGroup(of: UInt64.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await sender.submit(Make.report("burst \(chunk)-\(index)", to: ["xm-dongdu"])).sequence
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        await sender.close()

        let inbox = network.folder.appendingPathComponent("xm-dongdu.inbox.jsonl").path
        let state = network.folder.appendingPathComponent("state-listen")
        let handledFile = state.appendingPathComponent("xm-dongdu.last-handled").path
        func listen(_ extra: [String]) throws -> ChildProcess {
            try ChildProcess(
                try #require(AEOHubProcess.locate()).path,
                [
                    "listen", "--topology", network.topologyPath, "--node", "xm-dongdu", "--key",
                    network.keys.appendingPathComponent("xm-dongdu.secret").path, "--inbox", inbox, "--state",
                    state.path,
                ] + extra)
        }
        var killedAt: [Int] = []
        for _ in 0..<4 {
            // Bursts of 25 with a pause after each one's fsync: killed once the inbox holds a burst
            // beyond what the node has recorded as handled (so the hub delivers it again).
            let process = try listen(["--batch-limit", "25", "--drill-delay-ms", "300"])
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning, Date() < deadline {
                let lines = Self.sequences(inbox)
                let handled =
                    UInt64(
                        ((try? String(contentsOfFile: handledFile, encoding: .utf8)) ?? "")
                            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                if lines.count > (killedAt.last ?? 0), let last = lines.last, last > handled {
                    process.kill9()
                    killedAt.append(lines.count)
                    break
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            process.kill9()
        }
        #expect(killedAt.count == 4, "each kill came between a burst's fsync and its acknowledgement: \(killedAt)")
        #expect(killedAt.last ?? 0 < accepted.count, "the inbox was still catching up: \(killedAt)")

        let last = try listen([])
        defer { last.kill9() }
        let deadline = Date().addingTimeInterval(60)
        while Self.sequences(inbox).count < accepted.count, last.isRunning, Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        last.terminate()
        last.wait()
        #expect(Self.sequences(inbox) == accepted.sorted())
    }

    /// The sequences of an inbox's complete lines, in file order.
    static func sequences(_ path: String) -> [UInt64] {
        let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return nil }
            return (object["sequence"] as? NSNumber)?.uint64Value
        }
    }
}
