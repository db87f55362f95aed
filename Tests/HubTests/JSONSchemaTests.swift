import Foundation
import Testing

/// Every listing's `--json`, a message's answer, a failure and replay's JSON lines, validated
/// against their documented schemas in `Protocols/json/` (Python's jsonschema): types, not just keys.
@Suite("The command line's JSON against its schemas", .serialized)
struct JSONSchemaTests {
    static let schemas = DeployedNetwork.repository.appendingPathComponent("Protocols/json")

    /// Validates `text` (one document, or one per line) against `schema`; answers the number of
    /// documents, or the validator's complaint.
    static func validate(
        _ text: String, _ schema: String, lines: Bool = false
    ) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aeohub-json-\(UUID().uuidString)")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            text = open(sys.argv[3]).read()
            if sys.argv[2] == "lines":
                docs = [json.loads(l) for l in text.splitlines() if l.strip()]
            else:
                docs = [json.loads(text)]
            for doc in docs:
                jsonschema.validate(doc, schema)
            print(sum(len(d) if isinstance(d, list) else 1 for d in docs))
            """
        let (status, output) = try AEOHubProcess.runProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-c", script, schemas.appendingPathComponent(schema).path, lines ? "lines" : "one", file.path])
        return (status, output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("every listing, as the coordinator and as other units, matches its schema")
    func listings() throws {
        let demo = try DemoProcess()
        let listings: [([String], String)] = [
            (["request", "list"], "requests.schema.json"), (["cultivation", "list"], "cultivation.schema.json"),
            (["audit", "cases"], "cases.schema.json"), (["audit", "list"], "audits.schema.json"),
            (["meeting", "list"], "meetings.schema.json"), (["meeting", "actions"], "actions.schema.json"),
            (["credit", "list"], "credit-changes.schema.json"),
            (["review", "list"], "certificates.schema.json"), (["incentive", "list"], "incentives.schema.json"),
            (["activity", "list"], "activities.schema.json"), (["plan", "list"], "plans.schema.json"),
            (["enterprise", "list"], "enterprises.schema.json"), (["credit", "breaches"], "breaches.schema.json"),
            (["service", "list"], "services.schema.json"), (["service", "windows"], "windows.schema.json"),
            (["service", "priorities"], "priority-matters.schema.json"),
        ]
        // The demo leaves no rows in these; MeasuresSessionTests checks theirs.
        let measures: Set = [
            "activities.schema.json", "plans.schema.json", "breaches.schema.json", "services.schema.json",
            "windows.schema.json", "priority-matters.schema.json",
        ]
        for (command, schema) in listings {
            for unit in ["commerce-bureau", "xm-dongdu", "fuzhou-customs", "huli"] {
                let result = try demo.run(unit, command + ["--json"])
                #expect(result.status == 0, "\(command) as \(unit): \(result.output)")
                let checked = try Self.validate(result.output, schema)
                #expect(checked.status == 0, "\(command) as \(unit) against \(schema): \(checked.output)")
                if unit == "commerce-bureau", !measures.contains(schema) {
                    #expect((Int(checked.output) ?? 0) > 0, "the demo leaves rows in \(command): \(result.output)")
                }
            }
        }

        let answer = try demo.run(
            "huli", ["report", "file", "--period", "2026-09/2026-10", "--figure", "visits=3", "--json"])
        #expect(answer.status == 0, "\(answer.output)")
        #expect(try Self.validate(answer.output, "submit-answer.schema.json").status == 0)

        let refusal = try demo.run("huli", ["meeting", "close", "--meeting", "NO-SUCH-MEETING", "--json"])
        #expect(refusal.status != 0)
        let error = try Self.validate(refusal.output, "error.schema.json")
        #expect(error.status == 0, "\(refusal.output): \(error.output)")

        let replay = try demo.run("commerce-bureau", ["replay", "--format", "jsonl"])
        #expect(replay.status == 0)
        let lines = try Self.validate(replay.output, "replay-line.schema.json", lines: true)
        #expect(lines.status == 0 && (Int(lines.output) ?? 0) > 40, "\(lines.output)")
        // The mapping's conventions inside the payload: ISO times, lower-case enum names, numbers.
        #expect(replay.output.contains("\"category\":\"aeo_certification_intent\""), "\(replay.output.prefix(2000))")
        #expect(replay.output.contains("\"answer\":\"attending\""))
        #expect(replay.output.contains("\"start\":\"") && !replay.output.contains("_ms\""))
    }
}
