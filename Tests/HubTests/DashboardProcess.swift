import ChildProcesses
import Foundation
import Testing

/// `aeohub dashboard` as its own process, as the demo's coordinator, on a free port.
final class DashboardProcess: @unchecked Sendable {
    // @unchecked: one test owns it.
    let url: String
    private let process: ChildProcess
    private let output: URL

    init(demo: DemoProcess, node: String = "commerce-bureau", arguments: [String] = []) throws {
        let ready = demo.folder.appendingPathComponent("dashboard-\(UUID().uuidString.prefix(6)).url")
        output = demo.folder.appendingPathComponent("dashboard-\(UUID().uuidString.prefix(6)).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        process = try ChildProcess(
            demo.binary.path,
            [
                "dashboard", "--topology", demo.folder.appendingPathComponent("topology.yaml").path, "--node", node,
                "--key", demo.folder.appendingPathComponent("keys/\(node).secret").path, "--listen", "127.0.0.1:0",
                "--ready-file", ready.path, "--refresh", "300",
            ] + arguments, output: .appendingTo(output.path))
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: ready.path), process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        url = try #require(try? String(contentsOf: ready, encoding: .utf8), "the dashboard did not start: \(text)")
    }

    deinit {
        process.terminate()
        process.wait()
    }
}

/// HTTP through curl: the status, the headers and the body.
enum HTTP {
    static func get(
        _ url: String, user: String? = nil, method: String = "GET"
    ) throws -> (status: Int, headers: String, body: String) {
        let marker = "\n--aeohub-status--"
        var arguments = ["-s", "-i", "-X", method, "-w", "\(marker)%{http_code}", url]
        if let user { arguments += ["-u", user] }
        let result = try AEOHubProcess.runProcess(URL(fileURLWithPath: "/usr/bin/curl"), arguments)
        let parts = result.output.components(separatedBy: marker)
        let response = parts.first ?? ""
        let split = response.range(of: "\r\n\r\n")
        return (
            Int(parts.last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0,
            split.map { String(response[..<$0.lowerBound]) } ?? response,
            split.map { String(response[$0.upperBound...]) } ?? ""
        )
    }
}

/// Today and a few days on, in Xiamen time, as the commands take them.
func xiamenDay(_ offset: Int) -> String {
    let date = Date().addingTimeInterval(Double(offset) * 86_400)
    let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(secondsFromGMT: 8 * 3600)!, from: date)
    return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
}
