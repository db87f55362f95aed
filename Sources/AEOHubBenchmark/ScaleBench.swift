import ChildProcesses
import Foundation
import HubNode
import HubProtocol

/// `aeohub-benchmark --scale RECORDS [--requests N] [--listen-each]`: the costs that may grow with
/// history, on a hub process over a log of that many records (`StartupBench.fill`): start-up, the
/// coordinator's listing and other units' worst wait meanwhile, catch-up of up to 100,000
/// deliveries (node library and `aeohub listen`), replay, `aeohub log verify`.
enum ScaleBench {
    static let catchUpNodes = ["catchup", "catchup-listen", "catchup-listen-each"]

    static func run(arguments: [String], folder: URL) async throws {
        let records = Int(Benchmark.value(after: "--scale", in: arguments) ?? "") ?? 100_000
        let requests = min(records, Int(Benchmark.value(after: "--requests", in: arguments) ?? "") ?? records / 10)
        let catchUp = min(records, 100_000)
        let network = try BenchNetwork(folder: folder, nodeCount: 2)
        let logPath = folder.appendingPathComponent("log.sqlite").path
        let writing = ContinuousClock.now
        try StartupBench.fill(
            logPath, records: records, requests: requests, alsoTo: catchUpNodes,
            alsoFrom: UInt64(records - catchUp + 1))
        let tag = "\(records)r/\(requests)q"
        say("log of \(records) records (\(requests) requests) written", Benchmark.seconds(.now - writing), "s")

        report(tag, "startup", try network.startHub(), unit: "s", "hub start-up, folding the whole log")
        network.target = catchUp
        let library = try await network.timeCatchUp("catchup") { node, received in
            try await node.handleDeliveries { _ in received.add(1) }
        }
        report(tag, "catchup-library", Double(catchUp) / library, unit: "/s", "catch-up of \(catchUp), node library")
        let batched = try listenCatchUp(network, node: "catchup-listen", batchLimit: 512, count: catchUp)
        report(
            tag, "catchup-listen", Double(catchUp) / batched, unit: "/s", "catch-up, aeohub listen (fsync per burst)")
        say("  aeohub listen took", batched, "s")
        if arguments.contains("--listen-each") {
            let each = try listenCatchUp(network, node: "catchup-listen-each", batchLimit: 1, count: catchUp)
            report(tag, "catchup-listen-each", Double(catchUp) / each, unit: "/s", "the same, fsync per delivery")
            say("  aeohub listen, fsync per delivery, took", each, "s")
        }

        let idle = try await worstAccepted(network, while: { $0 < 200 })
        report(tag, "accepted-wait-idle", idle.worst * 1000, unit: "ms", "worst ACCEPTED wait, 200 submits, idle hub")
        let alone = try await coordinatorListing(network, alone: true)
        report(tag, "listing-alone", alone.seconds * 1000, unit: "ms", "the coordinator's request list, nothing else")
        let listing = try await coordinatorListing(network)
        report(tag, "listing", listing.seconds * 1000, unit: "ms", "the same, another unit submitting meanwhile")
        report(tag, "listing-memory", listing.megabytes, unit: "MB", "  its client's peak memory")
        report(
            tag, "accepted-wait-listing", listing.worst * 1000, unit: "ms",
            "worst ACCEPTED wait meanwhile (\(listing.submits) submits)")

        let replay = try await replayThroughHub(network, head: UInt64(records))
        report(tag, "replay-hub", replay, unit: "/s", "replay of the whole log through the hub")
        // The ceiling of the wire format: a REPLAY_ITEMS is 500 CURVE frames, an envelope each.
        let frameBytes = try network.averageEnvelopeBytes()
        let raw = try Benchmark.rawFrameRate(
            senders: 1, framesPerMessage: 500, frameBytes: frameBytes, messages: 1000, ioThreads: 2)
        report(
            tag, "replay-raw-zmq", raw, unit: "/s",
            "raw libzmq CURVE, 500 frames of \(frameBytes) B a message")
        let packed = try Benchmark.rawFrameRate(
            senders: 1, framesPerMessage: 1, frameBytes: 500 * frameBytes, messages: 1000, ioThreads: 2)
        report(tag, "replay-raw-zmq-one-frame", packed * 500, unit: "/s", "  the same 500 envelopes in one frame")
        report(tag, "replay-store", try network.replayRate(), unit: "/s", "the same read from the store")
        report(
            tag, "replay-store-envelopes", try network.replayRate(envelopesOnly: true), unit: "/s",
            "the same, sequences and envelopes only")
        for node in network.nodes.values { await node.close() }
        network.nodes.removeAll()

        network.stopHub()
        report(tag, "startup-snapshot", try network.startHub(), unit: "s", "hub start-up after a graceful stop")
        network.stopHub()
        let verifying = ContinuousClock.now
        let verified = try ChildProcess.run(network.aeohub, ["log", "verify", "--log", logPath])
        guard verified.status == 0 else { throw BenchError("log verify failed: \(verified.output)") }
        report(tag, "verify", Benchmark.seconds(.now - verifying), unit: "s", "aeohub log verify")
    }

    static func say(_ text: String, _ value: Double, _ unit: String) {
        Benchmark.say(Benchmark.label(text) + String(format: "%.2f ", value) + unit)
    }

    /// A line for people and a `RESULT scale TAG FIGURE VALUE` line for scripts.
    static func report(_ tag: String, _ figure: String, _ value: Double, unit: String, _ text: String) {
        Benchmark.say(Benchmark.label(text) + String(format: value >= 100 ? "%.0f " : "%.2f ", value) + unit)
        Benchmark.say("RESULT scale \(tag) \(figure) " + String(format: "%.3f", value))
    }

    /// Seconds for an `aeohub listen` process to write `count` lines to its inbox.
    static func listenCatchUp(_ network: BenchNetwork, node: String, batchLimit: Int, count: Int) throws -> Double {
        let inbox = network.folder.appendingPathComponent("\(node).jsonl").path
        FileManager.default.createFile(atPath: inbox, contents: nil)
        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: inbox))
        defer { try? reader.close() }
        let began = ContinuousClock.now
        let listen = try ChildProcess(
            network.aeohub,
            [
                "listen", "--topology", network.topologyPath, "--node", node, "--key", network.keyPath(node),
                "--inbox", inbox, "--state", network.folder.appendingPathComponent("state-\(node)").path,
                "--batch-limit", "\(batchLimit)",
            ], output: .appendingTo(network.folder.appendingPathComponent("\(node).log").path))
        defer {
            listen.terminate()
            listen.wait()
        }
        var lines = 0
        while lines < count {
            guard listen.isRunning else { throw BenchError("aeohub listen exited after \(lines) lines") }
            let data = reader.availableData
            if data.isEmpty { Thread.sleep(forTimeInterval: 0.002) }
            lines += data.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        }
        return Benchmark.seconds(ContinuousClock.now - began)
    }

    /// The worst submit -> ACCEPTED wait of one node submitting one message at a time while `going`
    /// (given the submits so far) holds.
    static func worstAccepted(
        _ network: BenchNetwork, while going: (Int) -> Bool
    ) async throws -> (worst: Double, submits: Int) {
        let sender = try await network.node(network.nodeIDs[0])
        var worst = 0.0
        var submits = 0
        while going(submits) {
            let began = ContinuousClock.now
            _ = try await sender.submit(BenchNetwork.report("wait-\(submits)"))
            worst = max(worst, Benchmark.seconds(ContinuousClock.now - began))
            submits += 1
        }
        return (worst, submits)
    }

    /// `aeohub request list` as the coordinator, timed with its peak memory (`/usr/bin/time`), and
    /// the worst ACCEPTED wait of another unit submitting one message at a time while it runs
    /// (unless `alone`).
    static func coordinatorListing(
        _ network: BenchNetwork, alone: Bool = false
    ) async throws -> (seconds: Double, megabytes: Double, worst: Double, submits: Int) {
        let timing = network.folder.appendingPathComponent("listing.time").path
        let began = ContinuousClock.now
        let listing = try ChildProcess(
            "/usr/bin/time",
            [
                "-o", timing, "-f", "%e %M", network.aeohub, "request", "list", "--topology", network.topologyPath,
                "--node", "bureau", "--key", network.keyPath("bureau"), "--timeout", "600",
            ], output: .appendingTo(network.folder.appendingPathComponent("listing.txt").path))
        let (worst, submits) = try await worstAccepted(network) { _ in !alone && listing.isRunning }
        let status = listing.wait()
        let seconds = Benchmark.seconds(ContinuousClock.now - began)
        guard status == 0 else { throw BenchError("request list failed with \(status)") }
        let fields = ((try? String(contentsOfFile: timing, encoding: .utf8)) ?? "").split(separator: " ")
        let kilobytes = fields.count > 1 ? Double(fields[1].trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 : 0
        return (seconds, kilobytes / 1024, worst, submits)
    }

    /// Records per second the coordinator receives replaying the log through the hub, in windows of
    /// 50,000 sequences (so the client's memory stays bounded).
    static func replayThroughHub(_ network: BenchNetwork, head: UInt64) async throws -> Double {
        let bureau = try await network.node("bureau")
        var count = 0
        let began = ContinuousClock.now
        var from: UInt64 = 1
        while from <= head {
            let window = ReplayRequest.with {
                $0.fromSequence = from
                $0.toSequence = min(head, from + 49_999)
            }
            count += try await bureau.replay(window).count
            from += 50_000
        }
        return Double(count) / Benchmark.seconds(ContinuousClock.now - began)
    }
}
