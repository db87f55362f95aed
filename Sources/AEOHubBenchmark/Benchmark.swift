import Coordination
import EventLog
import Foundation
import Hub
import HubNode
import HubProtocol
import Logging
import Synchronization
import ZeroMQ

/// `swift run -c release aeohub-benchmark`: the hub's figures beside raw libzmq, measured in one run.
/// `--accept LOADS` for durable accept at each load (`Deploy/bench-anchors.sh` runs it beside
/// PostgreSQL and NATS JetStream), `--scale RECORDS` for the costs that may grow with history,
/// `--startup RECORDS` for start-up with and without a snapshot, `--latency` to stop after the latency run.
@main
struct Benchmark {
    static let payloadText = String(repeating: "x", count: 440)  // makes a ~512-byte envelope

    static func main() async throws {
        let arguments = CommandLine.arguments
        let messages = Int(value(after: "--messages", in: arguments) ?? "") ?? 20_000
        let catchUp = Int(value(after: "--catch-up", in: arguments) ?? "") ?? 100_000
        let senderCounts = (value(after: "--senders", in: arguments) ?? "1,10,50").split(separator: ",").compactMap {
            Int($0)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "aeohub-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        if arguments.contains("--accept") {
            try await BenchNetwork.runAccept(arguments: arguments, folder: folder)
            return
        }
        if arguments.contains("--scale") {
            try await ScaleBench.run(arguments: arguments, folder: folder)
            return
        }
        if let records = Int(value(after: "--startup", in: arguments) ?? "") {
            let requests = Int(value(after: "--requests", in: arguments) ?? "") ?? records / 10
            try StartupBench.run(records: records, requests: min(requests, records), folder: folder)
            return
        }
        say(
            "AEO Hub benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(messages) messages per "
                + "throughput run, 512-byte messages\n"
        )

        let raw = try rawThroughput(senders: 50, messages: messages)
        say(row("raw libzmq DEALER->ROUTER (CURVE, 50 senders)", raw, unit: "msg/s", baseline: raw))

        let network = try BenchNetwork(folder: folder, nodeCount: 100)
        try network.startHub()
        defer { network.stopHub() }
        for senders in senderCounts {
            let rate = try await network.durableAccept(senders: senders, messages: messages)
            say(
                row("hub durable accept, \(senders) node\(senders == 1 ? "" : "s")", rate, unit: "msg/s", baseline: raw)
            )
        }
        let offered = Int(value(after: "--offered", in: arguments) ?? "") ?? 2000
        let latency = try await network.latency(offered: offered, seconds: 5)
        say(
            label("submit -> delivered latency")
                + LatencyFigures.summary(latency.delivered)
                + String(format: "  (offered %d msg/s, achieved %.0f)", offered, latency.achieved))
        say(label("  of which submit -> ACCEPTED") + LatencyFigures.summary(latency.accepted))
        if arguments.contains("--latency") { return }
        let replay = try network.replayRate()
        say(row("replay (read + decode-free, from the store)", replay, unit: "records/s", baseline: raw))
        let (seconds, count) = try await network.catchUp(records: catchUp)
        say(
            label("catch-up of a node \(count) records behind")
                + String(format: "%.2f s (%.0f records/s)", seconds, Double(count) / seconds))
        let (each, batched) = try await network.durableCatchUp()
        say(
            label("  the same, fsync per delivery (listen before)")
                + String(format: "%.2f s (%.0f records/s)", each, Double(count) / each))
        say(
            label("  the same, fsync per batch (listen now)")
                + String(format: "%.2f s (%.0f records/s, %.0fx)", batched, Double(count) / batched, each / batched))
        let rss = try await network.idleNodesRSS(nodes: 100)
        say(
            label("hub peak RSS (100 nodes, log of \(try network.store().head().sequence) records)")
                + String(format: "%.1f MB", rss))
    }

    /// Prints at once (stdout is not line-buffered when piped).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func value(after flag: String, in arguments: [String]) -> String? {
        guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    static func label(_ name: String) -> String { name.padding(toLength: 58, withPad: " ", startingAt: 0) }

    static func row(_ name: String, _ value: Double, unit: String, baseline: Double) -> String {
        label(name) + String(format: "%10.0f ", value) + unit + String(format: "  (%.2fx raw)", value / baseline)
    }

    /// 50 CURVE DEALERs pipelining 512-byte messages into one ROUTER, counted by the ROUTER.
    static func rawThroughput(senders: Int, messages: Int) throws -> Double {
        try rawFrameRate(senders: senders, framesPerMessage: 1, frameBytes: 512, messages: messages, ioThreads: 1)
    }

    /// Frames of `frameBytes` per second from CURVE DEALERs into one ROUTER, sent as messages of
    /// `framesPerMessage` frames (a replay's REPLAY_ITEMS carries 500 envelopes, a frame each), counted
    /// by the ROUTER.
    static func rawFrameRate(
        senders: Int, framesPerMessage: Int, frameBytes: Int, messages: Int, ioThreads: Int32
    ) throws -> Double {
        let context = try Context(ioThreads: ioThreads)
        let server = try CurveKeyPair.generate()
        let zap = try ZAPHandler(context: context) { _ in .allow(userID: "bench") }
        defer { zap.stop() }
        let router = try Socket(context, type: .router)
        try router.set(.receiveHighWaterMark, 100_000)
        try router.makeCurveServer(keyPair: server, zapDomain: "bench")
        let endpoint = try router.bind("tcp://127.0.0.1:*")
        let perSender = messages / senders
        let frames = [Data](repeating: Data(count: frameBytes), count: framesPerMessage)
        let start = DispatchSemaphore(value: 0)
        var threads: [SocketThread] = []
        for _ in 0..<senders {
            let thread = try SocketThread(name: "raw-sender")
            thread.execute {
                defer { thread.shutdown() }
                guard let socket = try? Socket(context, type: .dealer),
                    (try? socket.makeCurveClient(keyPair: try CurveKeyPair.generate(), serverKey: server.publicKey))
                        != nil,
                    (try? socket.set(.sendHighWaterMark, 100_000)) != nil,
                    (try? socket.connect(endpoint)) != nil
                else { return }
                start.wait()
                for _ in 0..<perSender { try? socket.send(Message(frames)) }
                _ = try? socket.receive(timeout: .seconds(30))  // keep the socket open until the reader is done
            }
            threads.append(thread)
        }
        let began = ContinuousClock.now
        for _ in 0..<senders { start.signal() }
        var received = 0
        var peers = Set<Data>()
        while received < perSender * senders, let message = try router.receive(timeout: .seconds(30)) {
            received += 1
            peers.insert(message.frames[0])
        }
        let elapsed = ContinuousClock.now - began
        for peer in peers { _ = try? router.trySend([peer, Data()]) }
        for thread in threads { thread.join() }
        return Double(received * framesPerMessage) / seconds(elapsed)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
