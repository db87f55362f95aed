import Coordination
import Foundation
import HubProtocol
import Reports
import Testing

/// The expected output in `Tests/Golden/`: what the English listings, replay and report printed
/// before Chinese output was added, with slots numbered from 1 (they were numbered from 0).
/// With `AEOHUB_UPDATE_GOLDEN=1` the test writes `actual` there first (then review the diff in git).
func golden(_ name: String, updatingWith actual: String? = nil) throws -> String {
    let url = DeployedNetwork.repository.appendingPathComponent("Tests/Golden/\(name)")
    if let actual, ProcessInfo.processInfo.environment["AEOHUB_UPDATE_GOLDEN"] == "1" {
        try actual.write(to: url, atomically: true, encoding: .utf8)
    }
    return try String(contentsOf: url, encoding: .utf8)
}

/// The first line where `actual` and `expected` differ, for a readable failure.
func firstDifference(_ actual: String, _ expected: String) -> String {
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(a.count, e.count) where a.dropFirst(index).first != e.dropFirst(index).first {
        let (got, wanted) = (a.dropFirst(index).first ?? "(none)", e.dropFirst(index).first ?? "(none)")
        return "line \(index + 1):\n  actual:   \(got)\n  expected: \(wanted)"
    }
    return "no difference"
}

@Suite("Output for people in English and Chinese")
struct LanguageOutputTests {
    static func tables(_ listings: Listings) -> [Table] {
        [
            listings.requests(), listings.cultivation, listings.cases, listings.audits, listings.meetings,
            listings.actions(), listings.creditChanges,
        ]
    }

    @Test("English listings, replay and report read as before (slots now counted from 1)")
    func englishUnchanged() throws {
        let listings = Self.tables(SampleLog.listings()).map { $0.render() }.joined(separator: "\n=====\n")
        let expectedListings = try golden("english-listings.txt", updatingWith: listings)
        #expect(listings == expectedListings, "\(firstDifference(listings, expectedListings))")
        let explicit = Self.tables(SampleLog.listings(language: .en)).map { $0.render() }
        #expect(explicit.joined(separator: "\n=====\n") == listings)
        let replay = SampleLog.records.map { EnvelopeText.line($0, language: .en) }.joined(separator: "\n")
        let expectedReplay = try golden("english-replay.txt", updatingWith: replay)
        #expect(replay == expectedReplay, "\(firstDifference(replay, expectedReplay))")
        let report = SampleLog.report(.en).markdown
        let expectedReport = try golden("english-report.md", updatingWith: report)
        #expect(report == expectedReport, "\(firstDifference(report, expectedReport))")
    }

    @Test("Chinese listings show Chinese titles and words; their JSON is the same as in English")
    func chineseListings() throws {
        let english = Self.tables(SampleLog.listings(language: .en))
        let chinese = Self.tables(SampleLog.listings(language: .zh))
        for (en, zh) in zip(english, chinese) {
            #expect(zh.json() == en.json(), "JSON must not change with the language: \(en.columns)")
            #expect(zh.keys == en.keys)
            for (title, heading) in zip(en.columns, zh.columns) {
                #expect(heading == "\(Terms.columns[title] ?? "?") \(title)", "\(heading)")
            }
        }
        let requests = chinese[0].texts
        #expect(requests.map { $0[5] } == ["已受理", "已提交"])
        #expect(requests.map { $0[4] } == ["AEO认证意向", "通关堵点"])
        #expect(requests.map { $0[9] } == ["逾期", "逾期"])
        #expect(chinese[1].texts.first?[2] == "已推荐")
        #expect(chinese[2].texts.first?[8] == "办理中" && chinese[2].texts.first?[9] == "与福州海关联合")
        #expect(chinese[3].texts.first?[2] == "待确认")
        #expect(chinese[3].texts.first?[4].hasPrefix("1:2026-10-20 09:00-17:00; 2:2026-10-27") == true)
        #expect(chinese[3].texts.first?[6] == "fuzhou-customs[2]")
        #expect(chinese[5].texts.first?[4] == "受阻")
        let credit = try #require(chinese[6].texts.first)
        #expect(credit[3] == "高级认证企业 -> 常规企业 (282号令)" && credit[4] == "一般" && credit[8] == "须确认")
        // JSON numbers slots from 1, as the table does (the wire's index 1 is slot 2).
        let audits = try JSONSerialization.jsonObject(with: Data(chinese[3].json().utf8)) as? [[String: Any]]
        #expect((audits?.first?["accepted"] as? [String: [Int]]) == ["fuzhou-customs": [2]])
    }

    @Test("Chinese replay and report: statuses, answers and levels in Chinese, slots from 1; the CSV does not change")
    func chineseReplayAndReport() throws {
        let lines = SampleLog.records.map { EnvelopeText.line($0, language: .zh) }
        #expect(lines[0].contains("request_filed  ") && lines[0].contains("【提交诉求】REQ-1 "))
        #expect(lines[0].contains("AEO认证意向"))
        #expect(lines[6].hasSuffix("【答复实地认证】AUD-1：接受 第2时段 Second."), "\(lines[6])")
        #expect(lines[10].contains("【事项进展】ACT-1：受阻 Waiting."))
        #expect(lines[11].contains("高级认证企业 -> 常规企业（282号令），情节一般"), "\(lines[11])")
        let report = SampleLog.report(.zh)
        #expect(report.markdown.contains("| 板块 section | 指标 figure | 数值 value |"))
        #expect(report.markdown.contains("| 企业诉求 Enterprise requests | 新提交 filed | 2 |"))
        #expect(report.markdown.contains("| Huli District 湖里区 (huli) | 区政府 |"))
        #expect(report.markdown.contains("| xm-dongdu | 办理中 | 2026-12-04 | 是（与福州海关联合） |"))
        #expect(report.markdown.contains("| ACT-1 | JM-1 | huli | 2026-10-01 | 逾期 |"))
        #expect(report.html.contains("<html lang=\"zh-CN\">"))
        #expect(report.csv == SampleLog.report(.en).csv)
    }

    @Test("the locale chooses the language: the first set of LC_ALL, LC_MESSAGES and LANG")
    func locale() {
        #expect(Language.fromEnvironment([:]) == .en)
        #expect(Language.fromEnvironment(["LANG": "zh_CN.UTF-8"]) == .zh)
        #expect(Language.fromEnvironment(["LANG": "en_US.UTF-8"]) == .en)
        #expect(Language.fromEnvironment(["LC_ALL": "C", "LANG": "zh_CN.UTF-8"]) == .en)
        #expect(Language.fromEnvironment(["LC_ALL": "", "LANG": "zh_CN.UTF-8"]) == .zh)
        #expect(Language.fromEnvironment(["LC_MESSAGES": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"]) == .zh)
        #expect(Language.fromEnvironment(["LC_ALL": "zh_HK.UTF-8", "LC_MESSAGES": "C"]) == .zh)
    }

    @Test("choices take the identifier or the Chinese name; lists name both")
    func choices() {
        #expect(Severity(label: "严重") == .serious && Severity(label: "minor") == .minor)
        #expect(RequestCategory(label: "通关堵点") == .clearancePainPoint)
        #expect(RequestCategory(label: "pain_point") == .clearancePainPoint)
        #expect(ActionStatus(label: "推进中") == .inProgress && AuditAnswer(label: "接受") == .accept)
        #expect(Severity(label: "很严重") == nil)
        #expect(Severity.choiceList == "minor (轻微), general (一般) or serious (严重)")
        #expect(LevelSet.order282.level(named: "高级认证企业")?.id == "advanced_certified")
        #expect(LevelSet.order282.level(named: "seriously-dishonest")?.id == "seriously_dishonest")
        #expect(LevelSet.order282.level(named: "其他企业") == nil)
        #expect(Terms.levelID(named: "其他企业") == "other" && Terms.levelID(named: "认证企业") == "certified")
        #expect(LevelSet.order251.levelList == "advanced_certified (高级认证企业), other (其他企业) or dishonest (失信企业)")
    }

    @Test("every status, role, message type and choice has its Chinese name")
    func vocabulary() {
        #expect(MessageType.allCases.allSatisfy { Terms.messageTypes[$0] != nil })
        #expect(Role.allCases.allSatisfy { Terms.roles[$0.rawValue] != nil } && Terms.roles["department"] == "部门")
        let statuses = ["acknowledged", "declined", "filed", "in_progress", "resolved", "withdrawn"]
        #expect(Terms.requestStatuses.keys.sorted() == statuses)
        #expect(Terms.caseStatuses["not_certified"] == "未通过认证" && Terms.auditStatuses["scheduled"] == "已排期")
        func named<Value: NamedChoice>(_ type: Value.Type) -> Bool {
            Value.named.allSatisfy { Value.chineseNames[$0.value] != nil }
        }
        #expect(named(RequestCategory.self) && named(ActionStatus.self) && named(Severity.self))
        #expect(named(AuditAnswer.self))
        #expect(named(AuditOutcome.self) && named(CaseResult.self) && named(RsvpAnswer.self) && named(LevelSet.self))
        #expect(Severity.chineseNames == [.minor: "轻微", .general: "一般", .serious: "严重"])
    }
}
