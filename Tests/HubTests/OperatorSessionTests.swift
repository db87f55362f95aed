import Foundation
import Testing

private func bimonthlyPeriod() -> String {
    let today = xiamenDay(0).split(separator: "-").map { Int($0)! }
    let first = today[1] % 2 == 1 ? today[1] : today[1] - 1
    return String(format: "%04d-%02d/%04d-%02d", today[0], first, today[0], first + 1)
}

@Suite("Operators' command line over a deployed network", .serialized)
struct OperatorSessionTests {
    /// The report's CSV as "section,key" -> value.
    static func figures(_ csv: String) throws -> [String: Int] {
        var figures: [String: Int] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: ",")
            if parts.count == 3, let value = Int(parts[2]) { figures["\(parts[0]),\(parts[1])"] = value }
        }
        return figures
    }

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

    /// Expects the command to fail and answers what it printed.
    func refused(
        _ network: DeployedNetwork, _ node: String, _ arguments: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let result = try network.run(node, arguments)
        #expect(
            result.status != 0, "aeohub \(arguments.joined(separator: " ")) as \(node) should fail: \(result.output)",
            sourceLocation: sourceLocation)
        return result.output
    }

    @Test(
        """
        a district, Dongdu customs, Fuzhou Customs and the coordinator run a request, a joint audit, a meeting, a \
        credit change, a replay and the report
        """
    )
    func scriptedSession() throws {
        let network = try DeployedNetwork()
        // Two units run their node daemon, as Deploy/aeohub-node@.service does.
        let dongduInbox = try network.listen("xm-dongdu", notify: true)
        let fuzhouInbox = try network.listen("fuzhou-customs")
        let contact = ["--contact-name", "Lin Wei", "--contact-title", "Deputy General Manager"]

        // A district files a request; a typo in the USCC is explained before anything is sent.
        let bad = try refused(
            network, "huli",
            [
                "request", "file", "--request", "REQ-1", "--uscc", "91350100M000100Y4Z", "--name", "Bad Co.",
                "--area", "350206", "--category", "aeo-intent", "--description", "x",
            ] + contact)
        #expect(bad.contains("USCC 91350100M000100Y4Z: 'Z' at position 18 is not a valid character"))
        let filed = try ok(
            network, "huli",
            [
                "request", "file", "--request", "REQ-1", "--uscc", "91350200776049653A",
                "--name", "Xiamen Example Trading Co., Ltd.", "--area", "350206", "--category", "aeo-intent",
                "--description", "Intends to apply for AEO certification.",
            ] + contact)
        #expect(filed.hasPrefix("accepted: request_filed #"))
        let foreign = try refused(
            network, "siming",
            [
                "request", "file", "--request", "REQ-2", "--uscc", "91350200776049653A",
                "--name", "Xiamen Example Trading", "--area", "350206", "--category", "policy",
                "--description", "Not our district.",
            ] + contact)
        #expect(foreign.contains("NOT_AUTHORISED"))
        #expect(foreign.contains("siming files requests only for its own area 350203"))
        try ok(network, "xm-dongdu", ["request", "ack", "--request", "REQ-1", "--note", "Credit section takes it."])
        let ledger = try ok(network, "commerce-bureau", ["request", "list"])
        let row = try #require(ledger.split(separator: "\n").first { $0.hasPrefix("REQ-1 ") })
        #expect(row.contains("acknowledged") && row.contains("xm-dongdu") && row.contains("0d"), "\(ledger)")
        #expect(ledger.split(separator: "\n")[0].contains("Age"))

        // Dongdu hands a request over to Haicang customs: each office sees it as it is, and Haicang
        // resolves it (issue 12, defect 1: it vanished from Haicang's list and stayed "filed" at Dongdu).
        try ok(
            network, "huli",
            [
                "request", "file", "--request", "REQ-3", "--uscc", "913502000728319549",
                "--name", "Siming Precision Parts", "--area", "350206", "--category", "policy",
                "--description", "Export licence question.",
            ] + contact)
        try ok(
            network, "xm-dongdu",
            ["request", "ack", "--request", "REQ-3", "--office", "xm-haicang", "--note", "Haicang's team."])
        func ledgerRow(_ ledger: String, _ id: String) -> String {
            ledger.split(separator: "\n").first { $0.hasPrefix("\(id) ") }.map(String.init) ?? ""
        }
        let haicangLedger = try ok(network, "xm-haicang", ["request", "list"])
        #expect(
            ledgerRow(haicangLedger, "REQ-3").contains("acknowledged")
                && ledgerRow(haicangLedger, "REQ-3").contains("xm-haicang"), "\(haicangLedger)")
        #expect(ledgerRow(haicangLedger, "REQ-1").isEmpty, "Haicang sees only what it takes part in: \(haicangLedger)")
        #expect(ledgerRow(try ok(network, "xm-dongdu", ["request", "list"]), "REQ-3").contains("acknowledged"))
        try ok(
            network, "xm-haicang", ["request", "resolve", "--request", "REQ-3", "--resolution", "Licence explained."])
        #expect(ledgerRow(try ok(network, "xm-dongdu", ["request", "list"]), "REQ-3").contains("resolved"))
        #expect(ledgerRow(try ok(network, "huli", ["request", "list"]), "REQ-3").contains("resolved"))

        // Dongdu customs proposes a joint audit (a site in Fuzhou's area); Fuzhou must accept first.
        let slots = ["\(xiamenDay(10))T09:00/17:00", "\(xiamenDay(17))T09:00/17:00"]
        try ok(
            network, "xm-dongdu",
            [
                "audit", "open-case", "--case", "CASE-1", "--uscc", "91350200776049653A",
                "--name", "Xiamen Example Trading Co., Ltd.", "--received", xiamenDay(0),
            ])
        try ok(
            network, "xm-dongdu",
            [
                "audit", "propose", "--case", "CASE-1", "--audit", "AUD-1",
                "--site", "Head office|88 Huli Road, Xiamen|3700", "--site", "Fuzhou branch|9 Mawei Road, Fuzhou|3500",
                "--slot", slots[0], "--slot", slots[1], "--officer", "DD-1001:Chen Hua", "--officer", "DD-1002:Wang Li",
            ] + contact)
        let early = try refused(
            network, "xm-dongdu", ["audit", "schedule", "--case", "CASE-1", "--audit", "AUD-1", "--slot", slots[1]])
        #expect(early.contains("not accepted by fuzhou-customs"))
        let fuzhouView = try ok(network, "fuzhou-customs", ["audit", "list"])
        #expect(
            fuzhouView.contains("AUD-1") && fuzhouView.contains("with Fuzhou") && fuzhouView.contains("fuzhou-customs"),
            "\(fuzhouView)")
        let outsider = try refused(
            network, "huli",
            ["audit", "respond", "--case", "CASE-1", "--audit", "AUD-1", "--answer", "accept", "--accept-slot", "1"])
        #expect(outsider.contains("NOT_AUTHORISED"))
        // Fuzhou's operator keeps who they are in a small file instead of the environment.
        let profile = network.folder.appendingPathComponent("fuzhou.yaml")
        try "topology: topology.yaml\nnode: fuzhou-customs\nkey: keys/fuzhou-customs.secret\n".write(
            to: profile, atomically: true, encoding: .utf8)
        let answer = try AEOHubProcess.run([
            "audit", "respond", "--config", profile.path, "--case", "CASE-1", "--audit", "AUD-1",
            "--answer", "accept", "--accept-slot", "2", "--officer", "FZ-0301:Lin Feng", "--officer", "FZ-0302:He Jing",
        ])
        #expect(answer.status == 0 && answer.output.hasPrefix("accepted: audit_responded #"), "\(answer.output)")
        try "topology: topology.yaml\nnode: fuzhou-customs\nsecret: x\n".write(
            to: profile, atomically: true, encoding: .utf8)
        let badProfile = try AEOHubProcess.run(["audit", "list", "--config", profile.path])
        #expect(
            badProfile.status != 0 && badProfile.output.contains("fuzhou.yaml:3: 'secret' is not a setting"),
            "\(badProfile.output)")
        try ok(network, "xm-dongdu", ["audit", "schedule", "--case", "CASE-1", "--audit", "AUD-1", "--slot", slots[1]])
        let audits = try ok(network, "xm-dongdu", ["audit", "list", "--json"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(audits.utf8)) as? [[String: Any]])
        #expect(parsed.first?["status"] as? String == "scheduled")
        #expect(parsed.first?["joint"] as? Bool == true)
        // Fuzhou's officers are on the joint team (measure 21), named with their office.
        let team = parsed.first?["team"] as? [String] ?? []
        #expect(team.contains("FZ-0301 Lin Feng (fuzhou-customs)") && team.contains("FZ-0302 He Jing (fuzhou-customs)"))
        let scheduled = parsed.first?["scheduled"] as? [String: String]
        #expect(scheduled?["start"] == "\(xiamenDay(17))T09:00:00.000+08:00", "\(audits)")
        // Fuzhou sees the joint audit's case in full: enterprise, USCC and the real deadline (defect 2).
        let fuzhouCases = try ok(network, "fuzhou-customs", ["audit", "cases", "--json"])
        let fuzhouCase = try #require(
            (try JSONSerialization.jsonObject(with: Data(fuzhouCases.utf8)) as? [[String: Any]])?.first)
        #expect(fuzhouCase["case"] as? String == "CASE-1")
        #expect(fuzhouCase["enterprise"] as? String == "Xiamen Example Trading Co., Ltd.")
        #expect(fuzhouCase["uscc"] as? String == "91350200776049653A")
        #expect(fuzhouCase["deadline"] as? String == xiamenDay(90), "\(fuzhouCases)")
        #expect(fuzhouCase["extended"] as? Bool == false && fuzhouCase["days_left"] as? Int == 90)

        // The coordinator holds a joint meeting; an action item is already overdue.
        try ok(
            network, "commerce-bureau",
            [
                "meeting", "convene", "--meeting", "JM-1", "--title", "Joint meeting on AEO cultivation",
                "--invite", "xm-dongdu", "--invite", "huli", "--invite", "fuzhou-customs",
                "--time", "\(xiamenDay(-3))T14:00/16:00", "--place", "Commerce Bureau, room 301",
                "--agenda", "1:Key list",
            ])
        try ok(
            network, "huli",
            ["meeting", "propose-item", "--meeting", "JM-1", "--item", "2", "--title", "Pain points in Huli"])
        try ok(network, "huli", ["meeting", "rsvp", "--meeting", "JM-1", "--answer", "attending"])
        let uninvited = try refused(
            network, "siming", ["meeting", "rsvp", "--meeting", "JM-1", "--answer", "attending"])
        #expect(uninvited.contains("not invited"))
        try ok(
            network, "commerce-bureau",
            [
                "meeting", "attendance", "--meeting", "JM-1", "--present", "xm-dongdu", "--present", "huli", "--absent",
                "fuzhou-customs",
            ])
        try ok(
            network, "commerce-bureau",
            [
                "meeting", "minute", "--meeting", "JM-1", "--entry", "M1", "--item", "1", "--text",
                "Eleven enterprises reviewed.",
            ])
        try ok(
            network, "commerce-bureau",
            [
                "meeting", "decide", "--meeting", "JM-1", "--decision", "D1", "--text",
                "Add four enterprises to the key list.",
            ])
        try ok(
            network, "commerce-bureau",
            [
                "meeting", "assign", "--meeting", "JM-1", "--action", "ACT-1", "--owner", "huli",
                "--due", xiamenDay(-1), "--text", "Collect the documents.", "--decision", "D1",
            ])
        let notMine = try refused(
            network, "siming", ["meeting", "progress", "--meeting", "JM-1", "--action", "ACT-1", "--status", "done"])
        #expect(notMine.contains("only the owner unit huli"))
        try ok(
            network, "huli",
            [
                "meeting", "progress", "--meeting", "JM-1", "--action", "ACT-1", "--status", "in-progress", "--note",
                "Two of four.",
            ])
        try ok(
            network, "commerce-bureau",
            ["meeting", "close", "--meeting", "JM-1", "--summary", "One decision, one action item."])
        try ok(
            network, "huli",
            [
                "meeting", "progress", "--meeting", "JM-1", "--action", "ACT-1", "--status", "blocked", "--note",
                "Waiting for Siming.",
            ])
        let overdue = try ok(network, "commerce-bureau", ["meeting", "actions", "--overdue"])
        #expect(overdue.contains("ACT-1") && overdue.contains("OVERDUE") && overdue.contains("blocked"), "\(overdue)")

        // Huli holds an incentive of the enterprise (an AEO service window, measure 17); Dongdu customs
        // publishes a downgrade: the holder and the coordinator must confirm, by a due day.
        try ok(
            network, "huli",
            [
                "incentive", "grant", "--id", "INC-W", "--uscc", "91350211M0000XUF46", "--name", "Jimei Logistics Co.",
                "--measure", "17", "--support", "Priority at the Huli service centre's AEO window",
                "--granted-on", xiamenDay(0),
            ])
        try ok(
            network, "xm-dongdu",
            [
                "credit", "publish", "--change", "CR-1", "--uscc", "91350211M0000XUF46", "--name",
                "Jimei Logistics Co.",
                "--level-set", "order-282", "--from", "advanced_certified", "--to", "regular", "--reason",
                "Serious breach",
                "--severity", "general", "--effective", xiamenDay(0), "--publicity-end", xiamenDay(180),
                "--stop-incentives",
            ])
        try ok(network, "huli", ["credit", "confirm", "--change", "CR-1", "--note", "Fast lane withdrawn."])
        let notHolder = try refused(network, "xm-haicang", ["credit", "confirm", "--change", "CR-1"])
        #expect(notHolder.contains("asks no confirmation of xm-haicang"))
        let partner = try refused(network, "fuzhou-customs", ["credit", "confirm", "--change", "CR-1"])
        #expect(partner.contains("asks no confirmation of fuzhou-customs"))
        let twice = try refused(network, "huli", ["credit", "confirm", "--change", "CR-1"])
        #expect(twice.contains("already confirmed"))
        let credit = try ok(network, "commerce-bureau", ["credit", "list", "--json"])
        let change = try #require(
            (try JSONSerialization.jsonObject(with: Data(credit.utf8)) as? [[String: Any]])?.first)
        // Asked: the holder of an incentive and the coordinator; not the publisher or units holding none.
        #expect(change["confirmed"] as? [String: Int] == ["confirmed": 1, "asked": 2])
        #expect(change["pending"] as? [String] == ["commerce-bureau"])
        #expect(change["confirm_overdue"] as? Bool == false && change["confirm_by"] is String, "\(change)")
        // Every unit sees the count and whether it still owes a confirmation (defect 3); who owes is
        // for the coordinator and the publisher.
        func creditRow(_ unit: String) throws -> [String: Any] {
            let text = try ok(network, unit, ["credit", "list", "--json"])
            return try #require(
                (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])?.first, "\(text)")
        }
        let huliRow = try creditRow("huli")
        #expect(huliRow["confirmed"] as? [String: Int] == ["confirmed": 1, "asked": 2], "\(huliRow)")
        #expect(huliRow["you_owe"] as? Bool == false && (huliRow["pending"] as? [String]) == [], "\(huliRow)")
        #expect(try creditRow("commerce-bureau")["you_owe"] as? Bool == true)
        #expect(try creditRow("siming")["you_owe"] as? Bool == false)
        #expect(try creditRow("xm-dongdu")["pending"] as? [String] == ["commerce-bureau"])

        // The coordinator replays the meeting, in order, with time and sender.
        let replay = try ok(network, "commerce-bureau", ["replay", "--meeting", "JM-1"])
        let types = replay.split(separator: "\n").compactMap { line in
            line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).first.map(String.init)
        }
        #expect(
            types == [
                "meeting_convened", "agenda_item_proposed", "meeting_rsvp", "attendance_recorded", "minutes_entry",
                "decision_recorded", "action_item_assigned", "action_item_progress", "meeting_closed",
                "action_item_progress",
            ], "\(replay)")
        #expect(replay.contains("huli") && replay.contains("commerce-bureau"))
        let forbidden = try refused(network, "huli", ["replay", "--from", "siming"])
        #expect(forbidden.contains("only the coordinator replays other units' records"))

        // And compiles the bimonthly report.
        let period = bimonthlyPeriod()
        let markdown = try ok(network, "commerce-bureau", ["report", "--period", period])
        #expect(markdown.contains("AEO progress report, \(period)"))
        #expect(markdown.contains("CASE-1") && markdown.contains("yes (with Fuzhou)"))
        // The figures, counted by hand from the session above (defect 4: the period counts).
        let figures = try Self.figures(
            try ok(network, "commerce-bureau", ["report", "--period", period, "--format", "csv"]))
        let expected = [
            "requests,filed": 2, "requests,resolved": 1, "requests,open_at_end": 1, "cases,opened": 1,
            "audits,scheduled": 1,
            "meetings,convened": 1, "meetings,decisions": 1, "actions,assigned": 1, "actions,overdue_at_end": 1,
            "credit,published": 1, "credit,confirmations": 1, "credit,pending_confirmations_at_end": 1,
            "reports,filed": 0,
            // Every unit but the coordinator reports, departments and the association included.
            "reports,missing": 34,
        ]
        for (key, value) in expected { #expect(figures[key] == value, "\(key)") }
        // An earlier period has none of it, but the report Huli files on it today, after it ended;
        // a future or malformed period is refused.
        try ok(network, "huli", ["report", "file", "--period", "2026-01/2026-02", "--figure", "visits=2"])
        let earlier = try Self.figures(
            try ok(network, "commerce-bureau", ["report", "--period", "2026-01/2026-02", "--format", "csv"]))
        #expect(earlier["requests,filed"] == 0 && earlier["credit,published"] == 0)
        #expect(
            earlier["reports,filed"] == 1 && earlier["reports,missing"] == 33 && earlier["unit,huli.report_filed"] == 1)
        let future = try refused(network, "commerce-bureau", ["report", "--period", "2099-01/2099-02"])
        #expect(future.contains("has not begun yet"), "\(future)")
        let notTheirs = try refused(network, "huli", ["report", "--period", period])
        #expect(notTheirs.contains("only the coordinator compiles it"))
        let html = network.folder.appendingPathComponent("report.html").path
        try ok(network, "commerce-bureau", ["report", "--period", period, "--format", "html", "--out", html])
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<svg"))
        let wrongPeriod = try refused(network, "commerce-bureau", ["report", "--period", "2026-10/2026-11"])
        #expect(wrongPeriod.contains("not a bimonthly period"))

        // What the daemons received, in order, once each.
        let dongdu = DeployedNetwork.inboxTypes(dongduInbox)
        #expect(dongdu.first == "request_filed", "\(dongdu)")
        #expect(dongdu.contains("audit_responded") && dongdu.contains("credit_change_confirmed"), "\(dongdu)")
        let fuzhou = DeployedNetwork.inboxTypes(fuzhouInbox)
        #expect(fuzhou.starts(with: ["audit_proposed"]), "\(fuzhou)")
        #expect(
            fuzhou.contains("audit_scheduled") && fuzhou.contains("meeting_convened")
                && fuzhou.contains("credit_change_published"), "\(fuzhou)")
        // And Dongdu's operator saw each arrival as a line.
        let notified =
            (try? String(contentsOf: network.folder.appendingPathComponent("xm-dongdu.notify.log"), encoding: .utf8))
            ?? ""
        #expect(
            notified.split(separator: "\n").contains {
                $0.contains("huli") && $0.contains("request_filed") && $0.contains("REQ-1")
            },
            "\(notified)")
        for inbox in [dongduInbox, fuzhouInbox] {
            let text = try String(contentsOfFile: inbox, encoding: .utf8)
            let sequences = text.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["sequence"] as? Int
            }
            #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count)
        }

        // Sessions that leave no noise: only the two daemons' sessions are on record, once each, although
        // dozens of commands connected, acted and left, many as xm-dongdu while its daemon ran.
        let presence = try ok(network, "commerce-bureau", ["replay", "--type", "node_presence", "--format", "jsonl"])
        let onRecord: [String] = presence.split(separator: "\n").compactMap { line in
            let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (record?["payload"] as? [String: Any])?["node_id"] as? String
        }
        #expect(onRecord.sorted() == ["fuzhou-customs", "xm-dongdu"], "\(presence)")
        #expect(network.stop() == 0, "\(network.hubLog)")
        let verify = try AEOHubProcess.run(["log", "verify", "--log", network.logPath])
        #expect(verify.status == 0 && verify.output.contains("log intact"), "\(verify.output)")
    }
}
