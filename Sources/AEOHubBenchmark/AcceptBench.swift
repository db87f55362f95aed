import Foundation
import HubNode

/// A durable-accept figure: accepted submits per second, and the hub process's CPU per accepted one.
struct AcceptFigure {
    let rate: Double
    let accepted: Int
    /// Microseconds of the hub's routing thread (`aeohub-hub`) per accepted submit; nil when none ran.
    let hubThreadMicroseconds: Double?
    /// Microseconds of the thread that owns the socket (`aeohub-wire`: decode, encode, send) per accepted submit.
    let wireThreadMicroseconds: Double?
    /// Microseconds of the whole hub process (every thread) per accepted submit.
    let processMicroseconds: Double
}

/// CPU time of a process and of its threads, from /proc (clock ticks to seconds).
struct ProcessCPU {
    var total = 0.0
    var threads: [String: Double] = [:]

    static let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))

    init() {}

    init(pid: pid_t) {
        let folder = "/proc/\(pid)/task"
        for task in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            guard let stat = try? String(contentsOfFile: "\(folder)/\(task)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")"), let open = stat.firstIndex(of: "(")
            else { continue }
            // Keyed by thread id and name: the hub's threads name themselves (`SocketThread`).
            let name = task + " " + stat[stat.index(after: open)..<close]
            // After the name: state (field 3) ... utime (14), stime (15).
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            let seconds = (user + system) / Self.ticks
            threads[name, default: 0] += seconds
            total += seconds
        }
    }
}

extension BenchNetwork {
    /// Accepted submits per second for `seconds` with `senders` nodes, each keeping `inFlight`
    /// submits waiting for their ACCEPTED, and the hub's CPU per accepted submit meanwhile: the
    /// whole process's, and its busiest thread's (the routing thread, which runs the loop).
    func accept(senders: Int, inFlight: Int, seconds: Double) async throws -> AcceptFigure {
        if drain == nil {
            let bureau = try await node("bureau")
            drain = Task { try await bureau.handleDeliveryBatches { _ in } }
        }
        var senderNodes: [HubNode] = []
        for id in nodeIDs.prefix(senders) { senderNodes.append(try await node(id)) }
        // One submit each first, so sessions and caches are warm.
        for sender in senderNodes { _ = try await sender.submit(Self.report("warm")) }
        guard let pid = process?.pid else { throw BenchError("the hub is not running") }
        let before = ProcessCPU(pid: pid)
        let accepted = Received()
        let began = ContinuousClock.now
        let deadline = began + .milliseconds(Int(seconds * 1000))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in senderNodes {
                for lane in 0..<inFlight {
                    group.addTask {
                        var index = 0
                        while ContinuousClock.now < deadline {
                            _ = try await sender.submit(Self.report("\(lane)-\(index)"))
                            accepted.add(1)
                            index += 1
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = Benchmark.seconds(ContinuousClock.now - began)
        let after = ProcessCPU(pid: pid)
        let count = max(1, accepted.count)
        func perMessage(_ thread: String) -> Double? {
            let spent = after.threads.filter { $0.key.hasSuffix(" " + thread) }
                .map { $0.value - (before.threads[$0.key] ?? 0) }
            return spent.isEmpty ? nil : spent.reduce(0, +) * 1e6 / Double(count)
        }
        return AcceptFigure(
            rate: Double(accepted.count) / elapsed, accepted: accepted.count,
            hubThreadMicroseconds: perMessage("aeohub-hub"), wireThreadMicroseconds: perMessage("aeohub-wire"),
            processMicroseconds: (after.total - before.total) * 1e6 / Double(count))
    }

    /// `aeohub-benchmark --accept 1x1,10x1,50x1,50x64 [--seconds S] [--store URL]`: the hub's durable
    /// accept at each load (producers x in flight), printed for people and as `RESULT` lines for
    /// `Deploy/bench-anchors.sh`.
    static func runAccept(arguments: [String], folder: URL) async throws {
        let loads = (Benchmark.value(after: "--accept", in: arguments) ?? "1x1,10x1,50x1,50x64")
            .split(separator: ",").compactMap { load -> (Int, Int)? in
                let parts = load.split(separator: "x").compactMap { Int($0) }
                return parts.count == 2 ? (parts[0], parts[1]) : nil
            }
        let seconds = Double(Benchmark.value(after: "--seconds", in: arguments) ?? "") ?? 10
        let store = Benchmark.value(after: "--store", in: arguments)
        let name = store.map { $0.hasPrefix("postgresql:") ? "hub-postgresql" : "hub-sqlite" } ?? "hub-sqlite"
        let network = try BenchNetwork(folder: folder, nodeCount: max(50, loads.map(\.0).max() ?? 1), store: store)
        try network.startHub()
        defer { network.stopHub() }
        Benchmark.say("\(name): durable accept of 512-byte messages, \(Int(seconds)) s per load")
        for (senders, inFlight) in loads {
            let figure = try await network.accept(senders: senders, inFlight: inFlight, seconds: seconds)
            let thread = figure.hubThreadMicroseconds.map { String(format: "%.1f", $0) } ?? "-"
            let wire = figure.wireThreadMicroseconds.map { String(format: "%.1f", $0) } ?? "-"
            Benchmark.say(
                Benchmark.label("  \(senders) producers x \(inFlight) in flight")
                    + String(format: "%8.0f msg/s  hub thread ", figure.rate) + thread + " us/msg, wire " + wire
                    + String(
                        format: " us/msg, process %.1f us/msg (%d accepted)", figure.processMicroseconds,
                        figure.accepted)
            )
            Benchmark.say(
                "RESULT \(name) \(senders)x\(inFlight) \(String(format: "%.0f", figure.rate)) \(thread) "
                    + String(format: "%.1f", figure.processMicroseconds) + " \(wire)")
        }
        for node in network.nodes.values { await node.close() }
    }
}
