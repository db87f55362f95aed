import ChildProcesses
import Foundation
import Testing

/// `aeohub demo --dir DIR --keep-running` as its own process: the hub of the README's sessions.
final class DemoProcess: @unchecked Sendable {
    // @unchecked: one test owns it.
    let folder: URL
    let binary: URL
    private let process: ChildProcess
    private let output: URL

    init() throws {
        binary = try #require(AEOHubProcess.locate(), "build the aeohub executable first (swift build)")
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "aeohub-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        output = folder.appendingPathComponent("demo.out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        process = try ChildProcess(
            binary.path, ["demo", "--dir", folder.path, "--keep-running"], output: .appendingTo(output.path))
        let deadline = Date().addingTimeInterval(120)
        while !text.contains("The hub keeps running at"), process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        try #require(text.contains("The hub keeps running at"), "the demo did not finish: \(text)")
    }

    /// What the demo printed so far.
    var text: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Runs `aeohub ARGS` as `node`, with the demo's topology and that unit's key.
    func run(_ node: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try AEOHubProcess.run(
            arguments,
            environment: [
                "AEOHUB_TOPOLOGY": folder.appendingPathComponent("topology.yaml").path, "AEOHUB_NODE": node,
                "AEOHUB_KEY": folder.appendingPathComponent("keys/\(node).secret").path,
            ])
    }

    deinit {
        process.terminate()
        process.wait()
        try? FileManager.default.removeItem(at: folder)
    }
}
