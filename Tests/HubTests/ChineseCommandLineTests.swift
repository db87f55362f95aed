import Foundation
import Testing

/// Chinese first (issue 16, item 5): the real `aeohub` against a deployed hub. Swift Testing's
/// console hides messages with CJK in them; `--xunit-output` keeps them.
@Suite("Chinese first on the command line", .serialized)
struct ChineseCommandLineTests {
    let contact = ["--contact-name", "林伟"]

    @discardableResult
    func ok(
        _ network: DeployedNetwork, _ node: String, _ arguments: [String], environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let result = try AEOHubProcess.run(
            arguments,
            environment: [
                "AEOHUB_TOPOLOGY": network.topologyPath, "AEOHUB_NODE": node,
                "AEOHUB_KEY": network.keys.appendingPathComponent("\(node).secret").path,
            ].merging(environment) { $1 })
        let command = arguments.joined(separator: " ")
        #expect(result.status == 0, "aeohub \(command): \(result.output)", sourceLocation: sourceLocation)
        return result.output
    }

    /// The table's rows by their first cell, each read at its header's columns (nil: misplaced).
    func rows(_ table: String) -> [String: [String?]] {
        let cells = TableColumns.cells(table)
        return Dictionary(cells.dropFirst().map { ($0.first.flatMap { $0 } ?? "?", $0) }, uniquingKeysWith: { $1 })
    }

    @Test("a request listing with Chinese and mixed names lines every cell up under its header, in zh and en")
    func alignedListing() throws {
        let network = try DeployedNetwork()
        let requests: [(id: String, uscc: String, name: String, category: String)] = [
            ("REQ-Z1", "91350206MA8QH2T10N", "厦门（ABC）示例贸易有限公司", "政策咨询"),
            ("REQ-Z2", "91350211MA32KD5N79", "Haicang Port Logistics", "aeo-intent"),
            ("REQ-Z3", "913502000728319549", "集美ＸＹＺ物流 Co.", "pain-point"),
        ]
        for request in requests {
            try ok(
                network, "huli",
                [
                    "request", "file", "--request", request.id, "--uscc", request.uscc, "--name", request.name,
                    "--area", "350206", "--category", request.category, "--description", "说明",
                ] + contact)
        }
        try ok(network, "xm-dongdu", ["request", "ack", "--request", "REQ-Z1"])

        let chinese = try ok(network, "commerce-bureau", ["request", "list", "--lang", "zh"])
        let header = try #require(TableColumns.cells(chinese).first)
        let titles = ["诉求编号 Request", "企业 Enterprise", "统一社会信用代码 USCC", "区域 Area", "类别 Category", "状态 Status"]
        #expect(header.prefix(7).map { $0 ?? "?" } == titles + ["承办海关 Office"], "\(chinese)")
        let zh = rows(chinese)
        let expected: [String: [String]] = [
            "REQ-Z1": ["REQ-Z1", "厦门（ABC）示例贸易有限公司", "91350206MA8QH2T10N", "350206", "政策咨询", "已受理", "xm-dongdu"],
            "REQ-Z2": [
                "REQ-Z2", "Haicang Port Logistics", "91350211MA32KD5N79", "350206", "AEO认证意向", "已提交", "xm-dongdu",
            ],
            "REQ-Z3": ["REQ-Z3", "集美ＸＹＺ物流 Co.", "913502000728319549", "350206", "通关堵点", "已提交", "xm-dongdu"],
        ]
        #expect(zh.count == 3, "\(chinese)")
        for (id, cells) in expected {
            #expect(zh[id].map { Array($0.prefix(7)) } == cells.map(Optional.some), "\(id): \(chinese)")
            #expect(zh[id]?.allSatisfy { $0 != nil } == true, "every cell of \(id) starts under its header: \(chinese)")
        }

        // English: today's words, and the same alignment.
        let english = try ok(network, "commerce-bureau", ["request", "list", "--lang", "en"])
        let englishHeader = TableColumns.cells(english).first?.prefix(7).map { $0 ?? "?" }
        #expect(englishHeader == ["Request", "Enterprise", "USCC", "Area", "Category", "Status", "Office"])
        let en = rows(english)
        #expect(
            en["REQ-Z1"]?.prefix(7).map { $0 ?? "?" } == [
                "REQ-Z1", "厦门（ABC）示例贸易有限公司", "91350206MA8QH2T10N", "350206", "policy", "acknowledged", "xm-dongdu",
            ], "\(english)")
        #expect(
            en["REQ-Z3"]?.prefix(7).map { $0 ?? "?" } == [
                "REQ-Z3", "集美ＸＹＺ物流 Co.", "913502000728319549", "350206", "pain-point", "filed", "xm-dongdu",
            ], "\(english)")
        #expect(en.values.allSatisfy { $0.allSatisfy { $0 != nil } }, "\(english)")

        // The locale decides without --lang; --lang en is what a C locale prints; JSON never changes.
        #expect(try ok(network, "commerce-bureau", ["request", "list"]) == english)
        let chineseLocale = ["LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"]
        let byLocale = try ok(network, "commerce-bureau", ["request", "list"], environment: chineseLocale)
        #expect(byLocale == chinese)
        let cLocale = ["LC_ALL": "C", "LANG": "zh_CN.UTF-8"]
        #expect(try ok(network, "commerce-bureau", ["request", "list"], environment: cLocale) == english)
        let json = try ok(network, "commerce-bureau", ["request", "list", "--json", "--lang", "en"])
        #expect(try ok(network, "commerce-bureau", ["request", "list", "--json", "--lang", "zh"]) == json)
        #expect(json.contains("\"status\" : \"acknowledged\"") && !json.contains("已受理"), "\(json)")
        #expect(network.stop() == 0, "\(network.hubLog)")
    }

    @Test("Chinese names are accepted for levels, severities and categories; a wrong one is refused naming both")
    func chineseInput() throws {
        let network = try DeployedNetwork()
        let publish = [
            "credit", "publish", "--uscc", "91350211M0000XUF46", "--name", "集美物流有限公司", "--reason", "严重违法",
            "--effective", xiamenDay(0),
        ]
        try ok(
            network, "xm-dongdu",
            publish + [
                "--change", "CR-Z1", "--from", "高级认证企业", "--to", "失信企业", "--severity", "严重",
                "--publicity-end", xiamenDay(730), "--stop-incentives",
            ])
        let listed = try ok(network, "commerce-bureau", ["credit", "list", "--json"])
        let changes = try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]]
        let change = try #require(changes?.first)
        let levels = ["level_set": "order_282", "from": "advanced_certified", "to": "dishonest"]
        #expect(change["levels"] as? [String: String] == levels)
        #expect(change["severity"] as? String == "serious", "\(listed)")
        let chinese = try ok(network, "commerce-bureau", ["credit", "list", "--lang", "zh"])
        let row = try #require(rows(chinese)["CR-Z1"], "\(chinese)")
        #expect(row[3] == "高级认证企业 -> 失信企业 (282号令)" && row[4] == "严重", "\(chinese)")

        let badLevel = try network.run(
            "xm-dongdu",
            publish + [
                "--change", "CR-Z2", "--from", "优秀企业", "--to", "失信企业",
                "--severity", "严重",
            ])
        #expect(badLevel.status == 65, "\(badLevel.output)")
        #expect(badLevel.output.contains("'优秀企业' is not a level of Order 282"), "\(badLevel.output)")
        #expect(badLevel.output.contains("advanced_certified (高级认证企业)") && badLevel.output.contains("regular (常规企业)"))
        let badSeverity = try network.run(
            "xm-dongdu",
            publish + [
                "--change", "CR-Z2", "--from", "advanced_certified",
                "--to", "regular", "--severity", "很严重",
            ])
        #expect(badSeverity.status == 64, "\(badSeverity.output)")
        #expect(badSeverity.output.contains("'minor (轻微)', 'general (一般)' or 'serious (严重)'"), "\(badSeverity.output)")
        let badCategory = try network.run(
            "huli",
            [
                "request", "file", "--request", "REQ-Z9", "--uscc", "91350206MA8QH2T10N", "--name", "厦门示例",
                "--area", "350206", "--category", "咨询", "--description", "x",
            ] + contact)
        #expect(badCategory.status == 64 && badCategory.output.contains("policy (政策咨询)"), "\(badCategory.output)")
        #expect(network.stop() == 0, "\(network.hubLog)")
    }

    @Test("--accept-slot 1 accepts the first slot; 0 is refused; listings and replay count slots from 1")
    func slotsFromOne() throws {
        let network = try DeployedNetwork()
        let slots = ["\(xiamenDay(10))T09:00/17:00", "\(xiamenDay(17))T09:00/12:00"]
        try ok(
            network, "xm-dongdu",
            [
                "audit", "open-case", "--case", "CASE-Z", "--uscc", "91350206MA8QH2T10N",
                "--name", "厦门示例贸易", "--received", xiamenDay(0),
            ])
        try ok(
            network, "xm-dongdu",
            [
                "audit", "propose", "--case", "CASE-Z", "--audit", "AUD-Z",
                "--site", "总部|湖里大道88号|3700", "--site", "福州分公司|马尾路9号|3500",
                "--slot", slots[0], "--slot", slots[1], "--officer", "DD-1001:陈华",
                "--officer", "DD-1002:王丽",
            ] + contact)
        let respond = ["audit", "respond", "--case", "CASE-Z", "--audit", "AUD-Z", "--answer", "接受"]
        let zero = try network.run("fuzhou-customs", respond + ["--accept-slot", "0"])
        #expect(zero.status == 64 && zero.output.contains("--accept-slot counts from 1"), "\(zero.output)")
        let third = try network.run("fuzhou-customs", respond + ["--accept-slot", "3"])
        #expect(third.status == 1 && third.output.contains("--accept-slot counts from 1"), "\(third.output)")
        try ok(network, "fuzhou-customs", respond + ["--accept-slot", "1"])

        let json = try ok(network, "xm-dongdu", ["audit", "list", "--json"])
        let audit = try #require((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])?.first)
        // One numbering: the JSON, the table and --accept-slot all count slots from 1.
        #expect(audit["accepted"] as? [String: [Int]] == ["fuzhou-customs": [1]], "\(json)")
        let listing = try ok(network, "xm-dongdu", ["audit", "list", "--lang", "en"])
        let row = try #require(rows(listing)["AUD-Z"], "\(listing)")
        #expect(row[4] == "1:\(xiamenDay(10)) 09:00-17:00; 2:\(xiamenDay(17)) 09:00-12:00", "\(listing)")
        #expect(row[6] == "fuzhou-customs[1]", "\(listing)")
        // The first slot is the one Fuzhou accepted: scheduling it is allowed, the second is not.
        let schedule = ["audit", "schedule", "--case", "CASE-Z", "--audit", "AUD-Z", "--slot"]
        let second = try network.run("xm-dongdu", schedule + [slots[1]])
        #expect(second.status == 1 && second.output.contains("not accepted by fuzhou-customs"), "\(second.output)")
        try ok(network, "xm-dongdu", schedule + [slots[0]])
        let chinese = try ok(network, "xm-dongdu", ["audit", "list", "--lang", "zh"])
        #expect(rows(chinese)["AUD-Z"]?[2] == "已排期", "\(chinese)")

        let replayAnswers = ["replay", "--case", "CASE-Z", "--type", "audit_responded", "--lang"]
        let replay = try ok(network, "xm-dongdu", replayAnswers + ["en"])
        #expect(replay.contains("AUD-Z: accepts slot 1"), "\(replay)")
        let replayZh = try ok(network, "xm-dongdu", replayAnswers + ["zh"])
        #expect(replayZh.contains("【答复实地认证】AUD-Z：接受 第1时段"), "\(replayZh)")
        #expect(network.stop() == 0, "\(network.hubLog)")
    }
}
