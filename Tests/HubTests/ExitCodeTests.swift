import Foundation
import Testing

/// Exit codes a script can act on, each from a real situation (README, "Exit codes"), and one JSON
/// error object under `--json`.
/// A fresh key pair written with `aeohub keys generate`.
enum CurveKeyPairFile {
    static func make(in folder: URL, name: String) throws -> (publicKey: String, secretPath: String) {
        let generated = try AEOHubProcess.run(["keys", "generate", "--dir", folder.path, name])
        try #require(generated.status == 0, "\(generated.output)")
        let publicKey = try String(contentsOf: folder.appendingPathComponent("\(name).public"), encoding: .utf8)
        return (
            publicKey.trimmingCharacters(in: .whitespacesAndNewlines),
            folder.appendingPathComponent("\(name).secret").path
        )
    }
}

@Suite("Exit codes and JSON errors", .serialized)
struct ExitCodeTests {
    static func errorObject(_ output: String) throws -> [String: Any] {
        let line = try #require(
            output.split(separator: "\n").last { $0.hasPrefix("{") }, "no JSON object in: \(output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("0 done, 1 refused, 64 usage, 65 bad input, 69 hub down, 75 rate limited; a JSON error object under --json")
    func exitCodes() throws {
        // Bursts of three and a token every 20 s: a node's first command (HELLO, SUBMIT) passes;
        // its second one gets its HELLO through and its submit rate limited until it gives up.
        let network = try DeployedNetwork(rateLimit: "{per_second: 0.05, burst: 3}")
        let contact = ["--contact-name", "Lin Wei"]
        // A lower-case USCC is upper-cased before it is checked.
        let file =
            [
                "request", "file", "--request", "R-1", "--uscc", "91350200776049653a", "--name", "Example Co.",
                "--area", "350206", "--category", "aeo-intent", "--description", "x",
            ] + contact

        let done = try network.run("huli", file + ["--json"])
        #expect(done.status == 0, "\(done.output)")
        let answer = try Self.errorObject(done.output)
        #expect(answer["sequence"] is Int && answer["duplicate"] as? Bool == false)
        #expect((answer["accepted_at"] as? String)?.hasSuffix("+08:00") == true)

        let refused = try network.run(
            "siming",
            [
                "request", "file", "--request", "R-2", "--uscc", "91350200776049653A",
                "--name", "Example Co.", "--area", "350206", "--category", "policy",
                "--description", "x", "--json",
            ] + contact)
        #expect(refused.status == 1, "\(refused.output)")
        let refusal = try Self.errorObject(refused.output)
        #expect(refusal["code"] as? String == "NOT_AUTHORISED" && refusal["retryable"] as? Bool == false)
        #expect(refusal["field"] as? String == "request_filed.area")

        let typo = try network.run(
            "huli",
            [
                "request", "file", "--request", "R-3", "--uscc", "91350100M000100Y4Z",
                "--name", "Bad Co.", "--area", "350206", "--category", "policy",
                "--description", "x", "--json",
            ] + contact)
        #expect(typo.status == 65, "\(typo.output)")
        #expect(try Self.errorObject(typo.output)["field"] as? String == "request_filed.enterprise.uscc")

        let usage = try AEOHubProcess.run(["request", "list"], environment: ["AEOHUB_TOPOLOGY": network.topologyPath])
        #expect(usage.status == 64, "\(usage.output)")
        #expect(
            usage.output.contains("give --node") && usage.output.contains("Usage: aeohub request list"),
            "\(usage.output)")

        // Submits beyond the rate: the node retries with the same id until its timeout; retry later.
        let limited = try network.run("huli", ["request", "withdraw", "--request", "R-1", "--timeout", "2", "--json"])
        #expect(limited.status == 75, "\(limited.output)")
        let timedOut = try Self.errorObject(limited.output)
        #expect(timedOut["retryable"] as? Bool == true && timedOut["code"] as? String == "TIMED_OUT")

        // A key the hub does not know (a topology copy that names it): refused by ZAP, final.
        let stranger = try CurveKeyPairFile.make(in: network.folder, name: "huli-stranger")
        let topology = try String(contentsOfFile: network.topologyPath, encoding: .utf8)
        let huliKey = try #require(
            try String(contentsOf: network.keys.appendingPathComponent("huli.public"), encoding: .utf8)
                .split(separator: "\n").first.map(String.init))
        let copy = network.folder.appendingPathComponent("stranger-topology.yaml").path
        try topology.replacingOccurrences(of: huliKey, with: stranger.publicKey).write(
            toFile: copy, atomically: true, encoding: .utf8)
        let refusedKey = try AEOHubProcess.run(
            ["request", "list", "--json"],
            environment: [
                "AEOHUB_TOPOLOGY": copy, "AEOHUB_NODE": "huli", "AEOHUB_KEY": stranger.secretPath,
            ])
        #expect(refusedKey.status == 1, "\(refusedKey.output)")
        #expect(try Self.errorObject(refusedKey.output)["code"] as? String == "KEY_REFUSED", "\(refusedKey.output)")

        #expect(network.stop() == 0)
        let down = try network.run("commerce-bureau", ["request", "list", "--timeout", "2", "--json"])
        #expect(down.status == 69, "\(down.output)")
        let unreachable = try Self.errorObject(down.output)
        #expect(unreachable["code"] as? String == "HUB_UNREACHABLE" && unreachable["retryable"] as? Bool == true)
        #expect((unreachable["reason"] as? String)?.contains("is it running?") == true, "\(down.output)")
    }
}
