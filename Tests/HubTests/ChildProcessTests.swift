import ChildProcesses
import Foundation
import Testing

@Suite("Child processes")
struct ChildProcessTests {
    @Test("output, status and environment of a program run to its end")
    func runToEnd() throws {
        let result = try ChildProcess.run(
            "/bin/sh", ["-c", "echo out; echo err >&2; echo $GREETING; exit 3"], environment: ["GREETING": "你好"])
        #expect(result.status == 3)
        #expect(result.output.split(separator: "\n").sorted() == ["err", "out", "你好"])
        let hung = try ChildProcess.run("/bin/sleep", ["30"], timeout: .milliseconds(200))
        #expect(hung.status == 128 + SIGKILL)
        let missing = #expect(throws: ChildProcess.SpawnError.self) { try ChildProcess.run("/no/such/program", []) }
        #expect(missing?.description.contains("/no/such/program") == true)
    }

    @Test("a child inherits no descriptor above 2, no blocked signal, and is stopped by a signal")
    func cleanStart() throws {
        // Hold many descriptors open, as a busy test run does (Foundation's Process crashed reading them).
        let held = (0..<600).map { _ in open("/dev/null", O_RDONLY) }
        defer { for descriptor in held { close(descriptor) } }
        let listing = try ChildProcess.run("/bin/sh", ["-c", "ls /proc/self/fd; grep SigBlk /proc/self/status"])
        let descriptors = listing.output.split(separator: "\n").compactMap { Int($0) }
        // 0-2, and the descriptor `ls` opens to read the folder.
        #expect(descriptors.filter { $0 > 2 }.count <= 1, "\(listing.output)")
        #expect(listing.output.contains("SigBlk:\t0000000000000000"), "\(listing.output)")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("out.log").path
        let sleeper = try ChildProcess("/bin/sh", ["-c", "echo started; exec sleep 30"], output: .appendingTo(log))
        let deadline = Date().addingTimeInterval(30)
        while (try? String(contentsOfFile: log, encoding: .utf8)) != "started\n", Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(sleeper.isRunning)
        sleeper.terminate()
        #expect(sleeper.wait() == 128 + SIGTERM)
        #expect(!sleeper.isRunning && sleeper.exitStatus == 128 + SIGTERM)
    }
}
