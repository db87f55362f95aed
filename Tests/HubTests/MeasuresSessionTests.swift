import Foundation
import Testing

/// A day `offset` days from today in Xiamen time, as the commands take it.
func chinaDay(_ offset: Int) -> String {
    let date = Date().addingTimeInterval(Double(offset) * 86_400)
    let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(secondsFromGMT: 8 * 3600)!, from: date)
    return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
}

/// The commands of protocol 1.2's measures (reviews, the incentive register, activities, plans,
/// objections and repair) run as operators run them: `aeohub` processes against a deployed hub.
@Suite("Operators' commands for the 1.2 measures over a deployed network", .serialized)
struct MeasuresSessionTests {
    /// Expects the command to succeed and answers what it printed.
    @discardableResult
    func ok(
        _ network: DeployedNetwork, _ node: String, _ arguments: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let result = try network.run(node, arguments)
        #expect(
            result.status == 0, "aeohub \(arguments.joined(separator: " ")) as \(node): \(result.output)",
            sourceLocation: sourceLocation)
        return result.output
    }

    /// Expects the command to fail with `status` and answers what it printed.
    @discardableResult
    func refused(
        _ network: DeployedNetwork, _ node: String, _ arguments: [String], status: Int32 = 1,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let result = try network.run(node, arguments)
        #expect(
            result.status == status,
            "aeohub \(arguments.joined(separator: " ")) as \(node) should exit \(status): \(result.output)",
            sourceLocation: sourceLocation)
        return result.output
    }

    /// A listing's `--json` as `node`, checked against its schema in `Protocols/json/`: its rows.
    func rows(
        _ network: DeployedNetwork, _ node: String, _ command: [String], schema: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [[String: Any]] {
        let text = try ok(network, node, command + ["--json"], sourceLocation: sourceLocation)
        let checked = try JSONSchemaTests.validate(text, schema)
        #expect(
            checked.status == 0, "\(command) as \(node) against \(schema): \(checked.output)",
            sourceLocation: sourceLocation)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "\(text)")
    }

    /// The row whose `key` is `value`.
    func row(_ rows: [[String: Any]], _ key: String, _ value: String) -> [String: Any] {
        rows.first { $0[key] as? String == value } ?? [:]
    }

    static let jimei = ["--uscc", "91350211MA2XN0003J", "--name", "Jimei Logistics Co. 集美物流"]
    static let huliTrading = ["--uscc", "91350206MA2XN00015", "--name", "Huli Trading Co. 湖里贸易"]
    static let haicangParts = ["--uscc", "91350205MA2XN00040", "--name", "Haicang Parts Co."]
    static let siming = ["--uscc", "91350203MA2XN00056", "--name", "Siming Electronics Co."]

    @Test("a district records an activity with customs; Dongdu records a group plan, reaches a milestone, lists them")
    func activitiesAndPlans() throws {
        let network = try DeployedNetwork()
        try ok(
            network, "huli",
            [
                "activity", "record", "--id", "ACT-1", "--kind", "training",
                "--title", "AEO standards training 高级认证培训", "--held-on", chinaDay(-2),
                "--organiser", "xm-dongdu", "--enterprises", "12", "--attendance", "30",
                "--note", "Held at the district service centre.",
            ])
        try refused(
            network, "huli",
            [
                "activity", "record", "--id", "ACT-2", "--kind", "training", "--title", "x",
                "--held-on", chinaDay(0), "--organiser", "nowhere", "--enterprises", "1",
                "--attendance", "1",
            ])
        try refused(
            network, "huli",
            [
                "activity", "record", "--id", "ACT-3", "--kind", "dinner", "--title", "x",
                "--held-on", chinaDay(0), "--enterprises", "1", "--attendance", "1",
            ], status: 64)
        for unit in ["huli", "xm-dongdu", "commerce-bureau"] {
            let activity = try #require(
                try rows(network, unit, ["activity", "list"], schema: "activities.schema.json").first, "as \(unit)")
            #expect(activity["activity"] as? String == "ACT-1" && activity["kind"] as? String == "training")
            #expect(activity["organisers"] as? [String] == ["huli", "xm-dongdu"], "\(activity)")
            #expect(activity["enterprises"] as? Int == 12 && activity["attendance"] as? Int == 30)
        }
        #expect(try rows(network, "siming", ["activity", "list"], schema: "activities.schema.json").isEmpty)

        let officer = ["--officer-id", "DD-1001", "--officer-name", "Chen Hua 陈华"]
        try refused(
            network, "xm-dongdu",
            ["plan", "record", "--id", "PLAN-0"] + Self.huliTrading + [
                "--approach", "tailored", "--member", "91350203MA31NDF85F=Member Co.", "--milestone",
                "\(chinaDay(30)):x",
            ]
                + officer, status: 65)
        try refused(
            network, "xm-dongdu",
            ["plan", "record", "--id", "PLAN-0"] + Self.huliTrading + [
                "--approach", "tailored", "--milestone", "next week:x",
            ] + officer, status: 64)
        try ok(
            network, "xm-dongdu",
            ["plan", "record", "--id", "PLAN-1"] + Self.huliTrading + [
                "--approach", "group-plus", "--member", "91350203MA31NDF85F=Huli Trading Siming Branch",
                "--member", "913502000728319549=Siming Precision Parts",
                "--milestone", "\(chinaDay(-1)):Gap analysis 差距分析",
                "--milestone", "\(chinaDay(60)):Mock audit 模拟认证",
            ] + officer)
        var plan = try #require(try rows(network, "xm-dongdu", ["plan", "list"], schema: "plans.schema.json").first)
        #expect(plan["approach"] as? String == "group_plus" && (plan["members"] as? [Any])?.count == 2, "\(plan)")
        var milestones = plan["milestones"] as? [String: Any]
        #expect(milestones?["reached"] as? [Int] == [] && milestones?["total"] as? Int == 2, "\(plan)")
        #expect(plan["next_due"] as? String == chinaDay(-1) && plan["overdue"] as? Bool == true, "\(plan)")
        let overdue = try ok(network, "xm-dongdu", ["plan", "list"])
        #expect(overdue.contains("PLAN-1") && overdue.contains("0/2") && overdue.contains("OVERDUE"), "\(overdue)")

        let other = try refused(network, "xm-haicang", ["plan", "milestone", "--plan", "PLAN-1", "--number", "1"])
        #expect(other.contains("NOT_AUTHORISED"), "\(other)")
        try refused(network, "xm-dongdu", ["plan", "milestone", "--plan", "PLAN-1", "--number", "3"])
        try refused(network, "xm-dongdu", ["plan", "milestone", "--plan", "PLAN-1", "--number", "0"], status: 64)
        try ok(
            network, "xm-dongdu",
            [
                "plan", "milestone", "--plan", "PLAN-1", "--number", "1",
                "--note", "Gap analysis delivered.",
            ])
        plan = try #require(try rows(network, "commerce-bureau", ["plan", "list"], schema: "plans.schema.json").first)
        milestones = plan["milestones"] as? [String: Any]
        #expect(milestones?["reached"] as? [Int] == [1] && milestones?["total"] as? Int == 2, "\(plan)")
        #expect(plan["next_due"] as? String == chinaDay(60) && plan["overdue"] as? Bool == false, "\(plan)")
        #expect(plan["officer"] as? [String: String] == ["officer_id": "DD-1001", "name": "Chen Hua 陈华"])
        let listed = try ok(network, "xm-dongdu", ["plan", "list"])
        #expect(listed.contains("1/2") && !listed.contains("OVERDUE"), "\(listed)")
        #expect(try rows(network, "xm-haicang", ["plan", "list"], schema: "plans.schema.json").isEmpty)
        #expect(network.stop() == 0, "\(network.hubLog)")
    }

    @Test("a key-list enterprise certified after an audit; its review falls due, cannot pass unaudited; suspension")
    func reviews() throws {
        let network = try DeployedNetwork()
        let (uscc, name) = (Self.haicangParts[1], Self.haicangParts[3])
        try ok(
            network, "haicang",
            ["cultivation", "recommend"] + Self.haicangParts + [
                "--reason", "Specialised manufacturer.", "--category", "specialised",
            ])
        try refused(
            network, "haicang",
            ["cultivation", "recommend"] + Self.siming + [
                "--reason", "x", "--category", "famous",
            ], status: 64)
        try ok(network, "xm-dongdu", ["cultivation", "accept", "--uscc", uscc, "--category", "specialised"])
        let keyList = try rows(network, "commerce-bureau", ["cultivation", "list"], schema: "cultivation.schema.json")
        #expect(row(keyList, "uscc", uscc)["category"] as? String == "specialised", "\(keyList)")

        let notCertified = try refused(
            network, "xm-dongdu",
            ["review", "open", "--case", "R-0"] + Self.haicangParts + [
                "--received", chinaDay(0),
            ])
        #expect(notCertified.contains("holds no certificate"), "\(notCertified)")
        // Certification: one site in Xiamen, audited in a slot that has begun (early this morning).
        let slot = "\(chinaDay(0))T00:00/00:30"
        try ok(
            network, "xm-dongdu",
            ["audit", "open-case", "--case", "CASE-1"] + Self.haicangParts
                + ["--received", chinaDay(0)])
        try ok(
            network, "xm-dongdu",
            [
                "audit", "propose", "--case", "CASE-1", "--audit", "AUD-1",
                "--site", "Plant|1 Haicang Road, Xiamen|3700", "--slot", slot,
                "--officer", "DD-1001:Chen Hua", "--officer", "DD-1002:Wang Li",
                "--contact-name", "Lin Wei",
            ])
        try ok(network, "xm-dongdu", ["audit", "schedule", "--case", "CASE-1", "--audit", "AUD-1", "--slot", slot])
        try ok(
            network, "xm-dongdu",
            [
                "audit", "complete", "--case", "CASE-1", "--audit", "AUD-1",
                "--outcome", "passed",
            ])
        // An older application past its deadline is overdue.
        try ok(
            network, "xm-dongdu",
            ["audit", "open-case", "--case", "CASE-2"] + Self.siming
                + ["--received", chinaDay(-100)])
        let cases = try rows(network, "xm-dongdu", ["audit", "cases"], schema: "cases.schema.json")
        #expect(row(cases, "case", "CASE-1")["priority"] as? Bool == true, "\(cases)")
        #expect(row(cases, "case", "CASE-1")["overdue"] as? Bool == false)
        let late = row(cases, "case", "CASE-2")
        #expect(late["overdue"] as? Bool == true && late["priority"] as? Bool == false, "\(cases)")
        #expect(row(cases, "case", "CASE-1")["kind"] as? String == "certification")
        try ok(
            network, "xm-dongdu",
            [
                "audit", "conclude", "--case", "CASE-1", "--result", "certified",
                "--reason", "Passed.",
            ])

        var certificate = try #require(
            try rows(network, "huli", ["review", "list"], schema: "certificates.schema.json")
                .first, "every unit sees every certificate")
        #expect(certificate["uscc"] as? String == uscc && certificate["enterprise"] as? String == name)
        #expect(certificate["status"] as? String == "valid" && certificate["certified_on"] as? String == chinaDay(0))
        #expect(certificate["review_overdue"] as? Bool == false && certificate["open_review"] is NSNull)
        try ok(
            network, "xm-dongdu",
            [
                "review", "due", "--uscc", uscc, "--due", chinaDay(-1),
                "--reason", "Anomalies in declarations.",
            ])
        let due = try ok(network, "commerce-bureau", ["review", "list", "--overdue"])
        #expect(due.contains(uscc) && due.contains("REVIEW OVERDUE"), "\(due)")

        try ok(
            network, "xm-dongdu",
            ["review", "open", "--case", "R-1"] + Self.haicangParts + ["--received", chinaDay(0)])
        let review = row(
            try rows(network, "xm-dongdu", ["audit", "cases"], schema: "cases.schema.json"), "case", "R-1")
        #expect(review["kind"] as? String == "review" && review["status"] as? String == "open", "\(review)")
        #expect(try ok(network, "xm-dongdu", ["audit", "cases"]).contains("review"))
        certificate = try #require(
            try rows(
                network, "commerce-bureau", ["review", "list", "--uscc", uscc],
                schema: "certificates.schema.json"
            ).first)
        #expect(certificate["open_review"] as? String == "R-1" && certificate["review_overdue"] as? Bool == false)
        let unaudited = try refused(
            network, "xm-dongdu",
            [
                "review", "conclude", "--case", "R-1", "--passed",
                "--reason", "No findings.",
            ])
        #expect(unaudited.contains("has no completed on-site audit"), "\(unaudited)")
        try refused(network, "xm-dongdu", ["review", "conclude", "--case", "R-1", "--passed", "--failed"], status: 64)

        try ok(
            network, "xm-dongdu",
            [
                "review", "suspend", "--uscc", uscc, "--ground", "criminal-case",
                "--reason", "Smuggling case opened.",
            ])
        certificate = try #require(
            try rows(network, "xm-haicang", ["review", "list"], schema: "certificates.schema.json").first)
        #expect(certificate["status"] as? String == "suspended" && certificate["ground"] as? String == "criminal_case")
        let notTheirs = try refused(
            network, "xm-haicang", ["review", "lift-suspension", "--uscc", uscc, "--reason", "x"])
        #expect(notTheirs.contains("NOT_AUTHORISED"), "\(notTheirs)")
        try ok(network, "xm-dongdu", ["review", "lift-suspension", "--uscc", uscc, "--reason", "Case closed."])
        try ok(
            network, "xm-dongdu",
            [
                "review", "conclude", "--case", "R-1", "--failed",
                "--reason", "Controls failed.",
            ])
        certificate = try #require(
            try rows(network, "commerce-bureau", ["review", "list"], schema: "certificates.schema.json").first)
        #expect(certificate["status"] as? String == "withdrawn" && certificate["ground"] is NSNull, "\(certificate)")
        #expect(network.stop() == 0, "\(network.hubLog)")
    }
}
