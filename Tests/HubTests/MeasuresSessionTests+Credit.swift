import Foundation
import Testing

// The incentive register and credit changes from the command line, as the standing rules them.
extension MeasuresSessionTests {
    /// Certifies an enterprise from the command line: a case, an audit held early this morning, the conclusion.
    func certify(_ network: DeployedNetwork, _ firm: [String], case caseID: String) throws {
        let slot = "\(chinaDay(0))T00:00/00:30"
        let audit = "AUD-\(caseID)"
        try ok(network, "xm-dongdu", ["audit", "open-case", "--case", caseID] + firm + ["--received", chinaDay(-20)])
        try ok(
            network, "xm-dongdu",
            [
                "audit", "propose", "--case", caseID, "--audit", audit, "--site", "Depot|2 Jimei Road, Xiamen|3700",
                "--slot", slot, "--officer", "DD-1001:Chen Hua", "--officer", "DD-1002:Wang Li",
                "--contact-name", "Lin Wei",
            ])
        try ok(network, "xm-dongdu", ["audit", "schedule", "--case", caseID, "--audit", audit, "--slot", slot])
        try ok(network, "xm-dongdu", ["audit", "complete", "--case", caseID, "--audit", audit, "--outcome", "passed"])
        try ok(network, "xm-dongdu", ["audit", "conclude", "--case", caseID, "--result", "certified"])
    }

    @Test("a department's incentive: MUST STOP after a downgrade, stopped by its confirmation; objection, repair")
    func incentivesAndCredit() throws {
        let network = try DeployedNetwork()
        let uscc = Self.jimei[1]
        let uncertified = try refused(
            network, "finance-bureau",
            ["incentive", "grant", "--id", "INC-0"] + Self.jimei + [
                "--measure", "5", "--support", "x", "--granted-on", chinaDay(0),
            ])
        #expect(uncertified.contains("holds no AEO certificate"), "\(uncertified)")
        try certify(network, Self.jimei, case: "CASE-J")
        let certified = try rows(network, "huli", ["enterprise", "show", uscc], schema: "enterprises.schema.json")
        #expect(certified.first?["certificate"] as? String == "advanced_certified", "\(certified)")
        #expect(certified.first?["validity"] as? String == "valid")
        #expect(certified.first?["levels"] as? [String: String] == ["order_282": "advanced_certified"], "\(certified)")
        try ok(
            network, "finance-bureau",
            ["incentive", "grant", "--id", "INC-1"] + Self.jimei + [
                "--measure", "5", "--support", "Export credit insurance subsidy 出口信保补贴",
                "--granted-on", chinaDay(0),
            ])
        try ok(
            network, "huli",
            ["incentive", "grant", "--id", "INC-2"] + Self.jimei + [
                "--measure", "5", "--support", "District matching support 区级配套奖励", "--granted-on", chinaDay(-3),
            ])
        let partner = try refused(
            network, "fuzhou-customs",
            ["incentive", "grant", "--id", "INC-9"] + Self.jimei + [
                "--measure", "5", "--support", "x", "--granted-on", chinaDay(0),
            ])
        #expect(partner.contains("NOT_AUTHORISED"), "\(partner)")
        let badMeasure = try refused(
            network, "huli",
            ["incentive", "grant", "--id", "INC-8"] + Self.jimei + [
                "--measure", "6", "--support", "x", "--granted-on", chinaDay(0),
            ], status: 65)
        #expect(badMeasure.contains("use 5 or 7 to 17"), "\(badMeasure)")
        // A unit records incentives only under the measures whose 责任单位 line names it (the topology's).
        let notTheirs = try refused(
            network, "huli",
            ["incentive", "grant", "--id", "INC-7"] + Self.jimei + [
                "--measure", "9", "--support", "x", "--granted-on", chinaDay(0),
            ])
        #expect(notTheirs.contains("huli is a responsible unit (责任单位) of measures 5, 17"), "\(notTheirs)")
        let ownBefore = try rows(network, "finance-bureau", ["incentive", "list"], schema: "incentives.schema.json")
        #expect(ownBefore.map { $0["incentive"] as? String } == ["INC-1"], "a granter sees its own: \(ownBefore)")
        #expect(ownBefore.first?["status"] as? String == "active" && ownBefore.first?["measure"] as? Int == 5)

        // Dongdu downgrades the enterprise out of the AEO levels: joint incentives must stop.
        let publish =
            ["credit", "publish", "--change", "CR-1"] + Self.jimei + [
                "--level-set", "order-282", "--from", "advanced_certified", "--to", "regular", "--reason",
                "Serious breach",
                "--severity", "general", "--effective", chinaDay(0),
            ]
        let noStop = try refused(network, "xm-dongdu", publish + ["--publicity-end", chinaDay(180)], status: 65)
        #expect(noStop.contains("stop_joint_incentives"), "\(noStop)")
        let shortPublicity = try refused(
            network, "xm-dongdu", publish + ["--publicity-end", chinaDay(30), "--stop-incentives"], status: 65)
        #expect(shortPublicity.contains("publicity_end"), "\(shortPublicity)")
        try ok(network, "xm-dongdu", publish + ["--publicity-end", chinaDay(180), "--stop-incentives"])

        let table = try ok(network, "finance-bureau", ["incentive", "list"])
        let line = table.split(separator: "\n").first { $0.hasPrefix("INC-1 ") }.map(String.init) ?? ""
        #expect(line.contains("MUST STOP") && line.contains("finance-bureau"), "\(table)")
        #expect(
            row(
                try rows(network, "finance-bureau", ["incentive", "list"], schema: "incentives.schema.json"),
                "incentive", "INC-1")["status"] as? String == "must_stop")
        let granting = try refused(
            network, "finance-bureau",
            ["incentive", "grant", "--id", "INC-3"] + Self.jimei + [
                "--measure", "5", "--support", "x", "--granted-on", chinaDay(0),
            ])
        #expect(granting.contains("AEO certificate was withdrawn (撤销) on \(chinaDay(0))"), "\(granting)")
        // The standing after the downgrade: withdrawn, barred a year, Huli's incentive still to stop.
        let standing = try #require(
            try rows(
                network, "commerce-bureau", ["enterprise", "list", "--must-stop"], schema: "enterprises.schema.json"
            )
            .first)
        #expect(standing["validity"] as? String == "withdrawn" && standing["bar_reason"] as? String == "downgraded")
        #expect(standing["must_stop_at"] as? [String] == ["finance-bureau", "huli"], "\(standing)")
        #expect(
            try rows(network, "huli", ["enterprise", "list", "--barred"], schema: "enterprises.schema.json")
                .map { $0["uscc"] as? String } == [uscc])
        #expect(
            try rows(network, "huli", ["enterprise", "list", "--suspended"], schema: "enterprises.schema.json")
                .isEmpty)
        // The holders are asked to confirm; the partner is not (it grants no incentives).
        let owed = try rows(network, "finance-bureau", ["credit", "list"], schema: "credit-changes.schema.json")
        #expect(owed.first?["you_owe"] as? Bool == true, "\(owed)")
        #expect(
            try rows(network, "fuzhou-customs", ["credit", "list"], schema: "credit-changes.schema.json")
                .first?["you_owe"] as? Bool == false)
        try ok(network, "finance-bureau", ["credit", "confirm", "--change", "CR-1", "--note", "Subsidy stopped."])

        let stopped = row(
            try rows(network, "finance-bureau", ["incentive", "list"], schema: "incentives.schema.json"),
            "incentive", "INC-1")
        #expect(stopped["status"] as? String == "stopped" && stopped["stopped_by"] as? String == "CR-1", "\(stopped)")
        #expect(stopped["stopped_on"] is String, "\(stopped)")
        #expect(try ok(network, "finance-bureau", ["incentive", "list", "--open"]) == "(none)\n")
        // The coordinator sees the whole register: Huli has not confirmed yet.
        let register = try rows(
            network, "commerce-bureau", ["incentive", "list", "--uscc", uscc],
            schema: "incentives.schema.json")
        #expect(register.count == 2 && row(register, "incentive", "INC-2")["status"] as? String == "must_stop")
        let open = try rows(
            network, "commerce-bureau", ["incentive", "list", "--open"], schema: "incentives.schema.json")
        #expect(open.map { $0["incentive"] as? String } == ["INC-2"], "\(open)")

        // Huli files the enterprise's objection; Dongdu lets the change stand; then a repair is granted.
        try ok(network, "huli", ["credit", "object", "--change", "CR-1", "--grounds", "A clerical error."])
        var change = try #require(
            try rows(network, "huli", ["credit", "list"], schema: "credit-changes.schema.json").first)
        let objection = change["objection"] as? [String: Any]
        #expect(objection?["due"] as? String == chinaDay(20) && objection?["decision"] is NSNull, "\(change)")
        #expect(change["overdue"] as? Bool == false && change["publicity_end"] as? String == chinaDay(180))
        let notPublisher = try refused(
            network, "xm-haicang",
            [
                "credit", "decide-objection", "--change", "CR-1",
                "--decision", "change-stands", "--reason", "x",
            ])
        #expect(notPublisher.contains("NOT_AUTHORISED"), "\(notPublisher)")
        try ok(
            network, "xm-dongdu",
            [
                "credit", "decide-objection", "--change", "CR-1", "--decision", "change-stands",
                "--reason", "The breach is on record.",
            ])
        try ok(
            network, "huli", ["credit", "repair", "--change", "CR-1", "--grounds", "Corrective measures completed."])
        try refused(
            network, "xm-dongdu",
            [
                "credit", "decide-repair", "--change", "CR-1", "--refused", "--reason", "x",
                "--restored-level", "certified",
            ], status: 64)
        try refused(network, "xm-dongdu", ["credit", "decide-repair", "--change", "CR-1", "--reason", "x"], status: 64)
        let pending = try ok(network, "commerce-bureau", ["credit", "list"])
        #expect(pending.contains("change-stands") && pending.contains("due \(chinaDay(20))"), "\(pending)")
        let toAEO = try refused(
            network, "xm-dongdu",
            [
                "credit", "decide-repair", "--change", "CR-1", "--granted",
                "--reason", "Repaired.", "--restored-level", "certified",
            ])
        #expect(toAEO.contains("a repair restores at most 常规企业 (regular)"), "\(toAEO)")
        try ok(
            network, "xm-dongdu",
            ["credit", "decide-repair", "--change", "CR-1", "--granted", "--reason", "Repaired."])
        change = try #require(
            try rows(network, "commerce-bureau", ["credit", "list"], schema: "credit-changes.schema.json").first)
        #expect(
            change["objection"] as? [String: String] == ["due": chinaDay(20), "decision": "change_stands"], "\(change)")
        #expect(change["repair"] as? [String: String] == ["due": chinaDay(20), "decision": "granted"], "\(change)")
        #expect(change["lifted"] as? Bool == true)
        // Repaired to regular: still no certificate, still barred.
        let repaired = try #require(
            try rows(network, "huli", ["enterprise", "show", uscc], schema: "enterprises.schema.json").first)
        #expect(repaired["levels"] as? [String: String] == ["order_282": "regular"], "\(repaired)")
        #expect(repaired["validity"] as? String == "withdrawn" && repaired["barred_until"] is String)
        #expect(network.stop() == 0, "\(network.hubLog)")
    }
}
