import ChildProcesses
import Deployment
import EventLog
import EventLogSQLite
import Foundation
import Hub
import Testing
import ZeroMQ

/// Runs the built `aeohub` executable, as an operator would.
enum AEOHubProcess {
    /// The built executable: beside the test bundle on Linux (`.build/debug`), or in the package's `.build`.
    static func locate() -> URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("aeohub"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
                .appendingPathComponent(".build/debug/aeohub"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    @discardableResult
    static func run(
        _ arguments: [String], environment: [String: String] = [:]
    ) throws -> (status: Int32, output: String) {
        try runProcess(
            try #require(locate(), "build the aeohub executable first (swift build)"), arguments,
            environment: environment)
    }

    /// Runs `executable` to its end with this process's environment plus `environment`; answers its
    /// exit status and what it printed (stdout and stderr together). The locale is C.UTF-8 unless
    /// `environment` says otherwise, so output for people is in English whatever the tester's locale.
    static func runProcess(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:]
    ) throws -> (status: Int32, output: String) {
        let locale = ["LC_ALL": "C.UTF-8"]
        // A command that hangs fails its test instead of holding the whole run.
        return try ChildProcess.run(
            executable.path, arguments,
            environment: ProcessInfo.processInfo.environment.merging(locale) { $1 }.merging(environment) { $1 },
            timeout: .seconds(300))
    }
}

@Suite("The aeohub command", .serialized)
struct CommandLineTests {
    @Test("`aeohub demo` plays the three daily uses; `aeohub log verify` passes, then names a changed record")
    func demoAndVerify() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aeohub-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try AEOHubProcess.run(["demo", "--dir", folder.path])
        #expect(demo.status == 0, "\(demo.output)")
        for step in [
            "== 1.", "== 2.", "fuzhou-customs   caught up", "audit_scheduled accepted", "== 3.", "decision_recorded",
            "== 4.", "must_stop (suspension", "stopped by the confirmation of", "may apply again from", "== 5.",
            "minutes_entry", "== 6.", "log intact",
        ] {
            #expect(demo.output.contains(step), "the demo's output lacks '\(step)'")
        }
        let report = try String(
            contentsOfFile: folder.appendingPathComponent(
                "report-\(currentPeriod())".replacingOccurrences(of: "/", with: "_") + ".md"
            ).path, encoding: .utf8)
        #expect(report.contains("Joint meeting"))
        #expect(report.contains("joint"))

        let log = folder.appendingPathComponent("log.sqlite").path
        let verify = try AEOHubProcess.run(["log", "verify", "--log", log])
        #expect(verify.status == 0)
        #expect(verify.output.contains("log intact"))
        // A progress bar on a terminal (script(1) gives the command one), nothing on a pipe.
        #expect(!verify.output.contains("checking the hash chain"))
        let binary = try #require(AEOHubProcess.locate()).path
        let onTerminal = try AEOHubProcess.runProcess(
            URL(fileURLWithPath: "/usr/bin/script"), ["-qec", "\(binary) log verify --log \(log)", "/dev/null"])
        #expect(onTerminal.status == 0 && onTerminal.output.contains("checking the hash chain"), "\(onTerminal.output)")
        #expect(onTerminal.output.contains("log intact"))

        // Change one byte of one stored envelope in the file. First fold the WAL into the file: a
        // read-write open and close checkpoints it (log verify reads only, so it does not).
        do { _ = try SQLiteEventStore(path: log, tailCheck: 0) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: log))
        let marker = Data("Eleven enterprises reviewed".utf8)
        let range = try #require(bytes.range(of: marker))
        bytes[range.lowerBound] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: log))
        let broken = try AEOHubProcess.run(["log", "verify", "--log", log])
        #expect(broken.status == 2)
        #expect(broken.output.contains("log broken at record"))
        #expect(broken.output.contains("do not match its hash"))
        let record = try #require(
            broken.output.range(of: #"record [0-9]+"#, options: .regularExpression).map { String(broken.output[$0]) })
        // The record lies before the snapshot the demo's graceful stop wrote, so only a whole-chain check finds
        // it at start-up: with --verify-log the hub refuses to start on it, and names the same record.
        let hub = try AEOHubProcess.run(
            ["hub", "--verify-log", "--config", folder.appendingPathComponent("topology.yaml").path])
        #expect(hub.status != 0)
        #expect(hub.output.contains("will not run on this log") && hub.output.contains(record), "\(hub.output)")

        let stats = try AEOHubProcess.run(["log", "stats", "--log", log])
        #expect(stats.output.contains("minutes_entry"))
    }

    @Test("log stats, verify and backup leave the live log's file as it was (issue 13, defect 8)")
    func logCommandsReadOnly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aeohub-ro-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try AEOHubProcess.run(["demo", "--dir", folder.path]).status == 0)
        let log = folder.appendingPathComponent("log.sqlite").path
        do { _ = try SQLiteEventStore(path: log, tailCheck: 0) }  // folds the WAL into the file
        let before = try Data(contentsOf: URL(fileURLWithPath: log))
        let modified = try FileManager.default.attributesOfItem(atPath: log)[.modificationDate] as? Date
        let backup = folder.appendingPathComponent("backup.sqlite").path
        for arguments in [["stats"], ["verify"], ["backup", "--to", backup]] {
            let result = try AEOHubProcess.run(["log"] + arguments + ["--log", log])
            #expect(result.status == 0, "\(arguments): \(result.output)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: log)) == before)
        #expect(try FileManager.default.attributesOfItem(atPath: log)[.modificationDate] as? Date == modified)
        let copied = try SQLiteEventStore(path: backup, tailCheck: 0, readOnly: true).verify()
        if case .intact = copied {} else { Issue.record("the backup is not intact: \(copied)") }
    }

    @Test("keys generate writes secret files with mode 0600 and prints the public keys")
    func keys() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aeohub-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try AEOHubProcess.run(["keys", "generate", "--dir", folder.path, "hub", "huli"])
        #expect(result.status == 0)
        #expect(result.output.split(separator: "\n").count == 2)
        let mode =
            try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("huli.secret").path)[
                .posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try AEOHubProcess.run(["keys", "generate", "--dir", folder.path, "huli"])
        #expect(again.status != 0)
        #expect(again.output.contains("already exists"))

        // A secret others may read is refused whatever the file is called (issue 13, defect 13).
        let copy = folder.appendingPathComponent("huli-key.txt")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("huli.secret"), to: copy)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: copy.path)
        #expect(throws: ConfigurationError.self) { _ = try KeyFiles.readSecretKey(copy.path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: copy.path)
        #expect(
            try KeyFiles.readSecretKey(copy.path)
                == KeyFiles.readSecretKey(folder.appendingPathComponent("huli.secret").path))
    }

    @Test("keys generate --out makes one unit's key pair; a secret key is refused naming the file and the fix")
    func keysOut() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aeohub-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let secret = folder.appendingPathComponent("huli.secret").path
        let made = try AEOHubProcess.run(["keys", "generate", "--out", secret])
        #expect(made.status == 0, "\(made.output)")
        let attributes = try FileManager.default.attributesOfItem(atPath: secret)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        let publicKey = try KeyFiles.readKey(folder.appendingPathComponent("huli.public").path)
        #expect(made.output.trimmingCharacters(in: .whitespacesAndNewlines) == publicKey.z85)
        #expect(try CurveKeyPair(secretKey: KeyFiles.readSecretKey(secret)).publicKey == publicKey)
        let again = try AEOHubProcess.run(["keys", "generate", "--out", secret])
        #expect(again.status != 0 && again.output.contains("already exists"), "\(again.output)")

        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: secret)
        let readable = #expect(throws: ConfigurationError.self) { try KeyFiles.readSecretKey(secret) }
        #expect(readable?.description.contains("chmod 600 \(secret)") == true, "\(String(describing: readable))")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
        if geteuid() == 0 {
            // Root may read anyone's file; a key that belongs to another user is still refused.
            try FileManager.default.setAttributes([.ownerAccountID: 65534], ofItemAtPath: secret)
            let foreign = #expect(throws: ConfigurationError.self) { try KeyFiles.readSecretKey(secret) }
            #expect(foreign?.description.contains("chown 0 \(secret)") == true, "\(String(describing: foreign))")
        }
    }

    func currentPeriod() -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone(secondsFromGMT: 8 * 3600)!, from: Date())
        let first = parts.month! % 2 == 1 ? parts.month! : parts.month! - 1
        func two(_ m: Int) -> String { m < 10 ? "0\(m)" : "\(m)" }
        return "\(parts.year!)-\(two(first))/\(parts.year!)-\(two(first + 1))"
    }
}
