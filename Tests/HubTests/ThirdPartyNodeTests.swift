import EventLog
import Foundation
import HubProtocol
import Testing
import ZeroMQ

@Suite("A node written in Python from Protocols/ alone", .serialized)
struct ThirdPartyNodeTests {
    @Test("the Python example node opens a session, submits, is delivered to and acknowledges")
    func pythonNode() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let huli = try await network.node("huli")
        for id in ["PY-1", "PY-2", "PY-3"] { _ = try await huli.submit(Make.request(id)) }
        let report = try await huli.submit(Make.report("for the python coordinator"))

        let secret = network.folder.appendingPathComponent("commerce-bureau.secret").path
        try Data(network.keys["commerce-bureau"]!.secretKey.z85.utf8).write(to: URL(fileURLWithPath: secret))
        // Everything addressed to the coordinator up to the report (presence records come first).
        let expected = try network.store().deliveries(for: "commerce-bureau", after: 0, limit: 100).filter {
            $0.sequence <= report.sequence
        }.count
        let script = ConfigurationTests.repository.appendingPathComponent("Protocols/examples/python_node.py").path
        let (status, output) = try AEOHubProcess.runProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                // "=": a Z85 key may start with "-"
                "python3", script, "--endpoint", network.endpoint, "--hub-key=\(network.hubKeys.publicKey.z85)",
                "--node", "commerce-bureau", "--secret", secret, "--expect", "\(expected)", "--view", "requests",
            ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("WELCOME commerce-bureau role=coordinator"))
        #expect(output.contains("ACCEPTED"))
        #expect(output.contains("DELIVER #\(report.sequence) progress_report from huli"))
        // A view read in pages of two: the ledger the coordinator sees, from the hub's one state.
        #expect(output.contains("VIEW requests rows=3 total=3 pages=2"), "\(output)")
        #expect(["PY-1", "PY-2", "PY-3"].allSatisfy { output.contains("request_id: \"\($0)\"") }, "\(output)")

        try await Task.sleep(for: .milliseconds(500))
        #expect(try network.store().cursor(for: "commerce-bureau") >= report.sequence)
        let pythonRecords = try network.store().records(matching: RecordFilter(), after: 0, limit: 100).filter {
            $0.fields.sender == "commerce-bureau" && $0.fields.type == "progress_report"
        }
        #expect(pythonRecords.count == 1)
        await huli.close()
        await network.stopHub()
    }
}
