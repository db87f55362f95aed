import ChildProcesses
import Foundation
import Testing

/// The Xiamen network installed from `Deploy/` as an operator would: keys from `provision.sh`,
/// the hub as its own `aeohub hub` process on tcp loopback, each command a node process.
final class DeployedNetwork: @unchecked Sendable {
    // @unchecked: one test owns it; `provision` and `run` only read its folders.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let folder: URL
    private(set) var hub: ChildProcess!
    private var listeners: [ChildProcess] = []
    private(set) var endpoint = ""

    var topologyPath: String { folder.appendingPathComponent("topology.yaml").path }
    var keys: URL { folder.appendingPathComponent("keys") }
    var logPath: String { folder.appendingPathComponent("log.sqlite").path }

    /// The hub's `rate_limit` setting, e.g. `{per_second: 0.1, burst: 1}`; the shipped one if nil.
    let rateLimit: String?
    /// The hub's `store:` URL in place of its `log:` line (e.g. `postgresql://...`); `log: logPath` if nil.
    let store: String?

    init(
        rateLimit: String? = nil, store: String? = nil, hubArguments: (_ keys: URL) -> [String] = { _ in [] }
    ) throws {
        self.rateLimit = rateLimit
        self.store = store
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "aeohub-deployed-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try provision()
        let ready = folder.appendingPathComponent("endpoint").path
        let binary = try #require(AEOHubProcess.locate(), "build the aeohub executable first (swift build)")
        hub = try ChildProcess(
            binary.path,
            ["hub", "--config", topologyPath, "--ready-file", ready]
                + hubArguments(folder.appendingPathComponent("keys")),
            output: .appendingTo(folder.appendingPathComponent("hub.log").path))
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: ready), hub.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        endpoint = try #require(try? String(contentsOfFile: ready, encoding: .utf8), "the hub did not start: \(hubLog)")
        try provision()
    }

    /// Runs `Deploy/provision.sh` (it keeps existing keys) and points the topology at this folder
    /// and at loopback: what an operator edits by hand for a real installation.
    func provision() throws {
        let provisioned = try AEOHubProcess.runProcess(
            URL(fileURLWithPath: "/bin/bash"),
            [
                Self.repository.appendingPathComponent("Deploy/provision.sh").path,
                Self.repository.appendingPathComponent("Deploy/xiamen-topology.yaml").path,
                keys.path, topologyPath, try #require(AEOHubProcess.locate()).path,
            ])
        try #require(provisioned.status == 0, "provision.sh failed: \(provisioned.output)")
        var text = try String(contentsOfFile: topologyPath, encoding: .utf8)
        let replacements =
            [
                ("  bind: ", "  bind: tcp://127.0.0.1:*"),
                ("  endpoint: ", "  endpoint: \(endpoint.isEmpty ? "tcp://127.0.0.1:1" : endpoint)"),
                ("  secret_key_file: ", "  secret_key_file: \(keys.appendingPathComponent("hub.secret").path)"),
                ("  log: ", store.map { "  store: \($0)" } ?? "  log: \(logPath)"),
            ] + (rateLimit.map { [("  rate_limit: ", "  rate_limit: \($0)")] } ?? [])
        text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            replacements.first { line.hasPrefix($0.0) }?.1 ?? String(line)
        }.joined(separator: "\n")
        try text.write(toFile: topologyPath, atomically: true, encoding: .utf8)
    }

    /// Runs `aeohub ARGS` as `node` with its provisioned key.
    @discardableResult
    func run(_ node: String, _ arguments: [String], key: String? = nil) throws -> (status: Int32, output: String) {
        try AEOHubProcess.run(
            arguments,
            environment: [
                "AEOHUB_TOPOLOGY": topologyPath, "AEOHUB_NODE": node,
                "AEOHUB_KEY": key ?? keys.appendingPathComponent("\(node).secret").path,
            ])
    }

    /// `run` on a thread of its own, so a test's in-process nodes keep their heartbeats meanwhile
    /// (a blocked cooperative thread would starve them).
    func runDetached(
        _ node: String, _ arguments: [String], key: String? = nil
    ) async throws -> (status: Int32, output: String) {
        try await Self.detached { try self.run(node, arguments, key: key) }
    }

    static func detached<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Starts `aeohub listen` for `node`, the node daemon of `Deploy/aeohub-node@.service`; answers
    /// its inbox file. The process is stopped with the hub. With `notify`, its lines for people go to
    /// `<node>.notify.log` in the network's folder.
    func listen(_ node: String, notify: Bool = false) throws -> String {
        let inbox = folder.appendingPathComponent("\(node).inbox.jsonl").path
        let notifications = folder.appendingPathComponent("\(node).notify.log")
        FileManager.default.createFile(atPath: notifications.path, contents: nil)
        let process = try ChildProcess(
            try #require(AEOHubProcess.locate()).path,
            ["listen", "--inbox", inbox, "--state", folder.appendingPathComponent("state-\(node)").path]
                + (notify ? ["--notify"] : []),
            environment: ProcessInfo.processInfo.environment.merging([
                "AEOHUB_TOPOLOGY": topologyPath, "AEOHUB_NODE": node,
                "AEOHUB_KEY": keys.appendingPathComponent("\(node).secret").path,
            ]) { $1 },
            output: notify ? .appendingTo(notifications.path) : .discard, error: .discard)
        listeners.append(process)
        return inbox
    }

    /// The message types in an inbox written by `aeohub listen`, in order.
    static func inboxTypes(_ path: String) -> [String] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["type"] as? String
        }
    }

    var hubLog: String {
        (try? String(contentsOfFile: folder.appendingPathComponent("hub.log").path, encoding: .utf8)) ?? ""
    }

    func signal(_ number: Int32) { hub.signal(number) }

    /// SIGTERM and wait; answers the hub's exit status.
    func stop() -> Int32 {
        for listener in listeners {
            listener.terminate()
            listener.wait()
        }
        hub.terminate()
        return hub.wait()
    }

    deinit {
        for listener in listeners { listener.kill9() }
        hub?.kill9()
        try? FileManager.default.removeItem(at: folder)
    }
}
