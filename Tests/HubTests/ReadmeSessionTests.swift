import Foundation
import Testing

/// The README's command sessions, extracted from README.md and run as written (only the demo's
/// folder differs) against `aeohub demo --keep-running`: README and product cannot drift apart.
@Suite("The README's command sessions", .serialized)
struct ReadmeSessionTests {
    /// The `sh` blocks of the section "The three daily uses, from the command line".
    static func sessions() throws -> String {
        let readme = try String(
            contentsOf: DeployedNetwork.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "## The three daily uses, from the command line"))
        let section = readme[start.upperBound...]
        let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
        var blocks: [String] = []
        var inBlock = false
        for line in section[..<end].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inBlock = line == "```sh"
                continue
            }
            if inBlock { blocks.append(String(line)) }
        }
        return blocks.joined(separator: "\n")
    }

    @Test("after `aeohub demo --dir DIR --keep-running`, every session in the README runs as written")
    func readmeSessions() throws {
        let demo = try DemoProcess()
        let folder = demo.folder
        let binary = demo.binary
        let script = try Self.sessions().replacingOccurrences(of: "/tmp/aeo", with: folder.path)
        #expect(
            script.contains("as huli request file") && script.contains("audit propose")
                && script.contains("meeting convene"))
        let path =
            binary.deletingLastPathComponent().path + ":"
            + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let (status, output) = try AEOHubProcess.runProcess(
            URL(fileURLWithPath: "/bin/bash"), ["-c", "set -euo pipefail\n" + script], environment: ["PATH": path])
        #expect(status == 0, "a README session failed:\n\(output)")
        #expect(output.contains("accepted: request_filed"))
        #expect(
            output.split(separator: "\n").contains { $0.hasPrefix("REQ-2026-0043 ") && $0.contains("xm-haicang") },
            "\(output)")
        #expect(output.contains("accepted: audit_scheduled"))
        #expect(output.contains("meeting_closed"))
        #expect(output.contains("requests,filed,"))
        // Chinese first: the listing in Chinese, a level typed in Chinese, the replay in Chinese.
        #expect(output.contains("状态 Status") && output.contains("已办结"), "\(output)")
        #expect(output.contains("【发布信用调整】CR-2026-0007") && output.contains("高级认证企业 -> 失信企业"), "\(output)")
    }
}
