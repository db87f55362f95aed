import Foundation
import Testing

/// The coordinator's dashboard, driven by a real browser (Chromium through selenium) over the demo's
/// hub: every page loads without console errors, shows what the views say, renders Chinese glyphs,
/// fits a phone's width, and prints; and who may read it.
@Suite("The dashboard in a real browser", .serialized)
struct DashboardTests {
    /// Where the screenshots go (README: "The dashboard"): `AEOHUB_SCREENSHOTS` or `.build/screenshots`.
    static var screenshots: URL {
        if let folder = ProcessInfo.processInfo.environment["AEOHUB_SCREENSHOTS"] {
            return URL(fileURLWithPath: folder)
        }
        return DeployedNetwork.repository.appendingPathComponent(".build/screenshots")
    }

    static func json(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "\(text)")
    }

    @Test(
        """
        every page in Chinese and English: no console errors, the views' figures, Chinese glyphs, a phone's width, \
        print
        """
    )
    func browser() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
            "Chromium's WebDriver is missing: run Deploy/install-deps.sh")
        let demo = try DemoProcess()
        // A downgrade that nobody has confirmed yet, so that the overview has something to flag.
        let publish = try demo.run(
            "xm-haicang",
            [
                "credit", "publish", "--change", "CR-DASH-1", "--uscc", "913502000728319549",
                "--name", "思明精密零件有限公司",
                "--from", "advanced_certified", "--to", "regular", "--severity", "general", "--reason", "Breach",
                "--effective", xiamenDay(0), "--publicity-end", xiamenDay(120), "--stop-incentives",
            ])
        #expect(publish.status == 0, "\(publish.output)")
        let dashboard = try DashboardProcess(demo: demo)

        // The truth, from the views through the command line (another path than the dashboard's).
        let requests = try Self.json(try demo.run("commerce-bureau", ["request", "list", "--json"]).output)
        let cases = try Self.json(try demo.run("commerce-bureau", ["audit", "cases", "--json"]).output)
        let credit = try Self.json(try demo.run("commerce-bureau", ["credit", "list", "--json"]).output)
        let openRequests = requests.filter {
            ["filed", "acknowledged", "in_progress"].contains($0["status"] as? String)
        }
        let openCases = cases.filter { $0["status"] as? String == "open" }
        let unconfirmed = credit.filter {
            !(($0["pending"] as? [String]) ?? []).isEmpty && $0["lifted"] as? Bool != true
        }
        #expect(!unconfirmed.isEmpty)
        let meeting = try #require(demo.text.firstMatch(of: /JM-[0-9]{4}-[0-9A-F]{4}/).map { String($0.output) })

        let folder = Self.screenshots
        let script = DeployedNetwork.repository.appendingPathComponent("Tests/Browser/check_dashboard.py")
        let run = try AEOHubProcess.runProcess(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, dashboard.url, folder.path, meeting])
        try #require(run.status == 0, "the browser run failed: \(run.output)")
        let line = try #require(run.output.split(separator: "\n").last { $0.hasPrefix("{") })
        let result = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let pages = try #require(result["pages"] as? [String: [String: Any]])
        #expect(pages.count == 17)
        for (name, page) in pages {
            #expect((page["errors"] as? [String]) == [], "\(name): console errors \(page["errors"] ?? "")")
            #expect(!(page["h1"] as? String ?? "").isEmpty, "\(name) has no heading")
            let glyphs = page["glyphs"] as? [String: Any]
            #expect(glyphs?["distinct"] as? Int == 4, "\(name): Chinese characters draw as boxes (\(glyphs ?? [:]))")
            #expect(page["lang"] as? String == (name.hasSuffix("-en") ? "en" : "zh-CN"), "\(name)")
        }
        let overview = try #require(pages["overview-zh"]?["figures"] as? [String: String])
        #expect(overview["requests_open"] == "\(openRequests.count)")
        #expect(overview["cases_open"] == "\(openCases.count)")
        #expect(overview["credit_unconfirmed"] == "\(unconfirmed.count)")
        // The same figures in English (but presence, which the demo's closing nodes are still changing).
        let stable = { (figures: [String: String]?) in figures?.filter { !$0.key.hasPrefix("units_") } }
        #expect(stable(overview) == stable(pages["overview-en"]?["figures"] as? [String: String]))
        #expect((pages["requests-zh"]?["sections"] as? [String: Int])?["requests"] == requests.count)
        #expect((pages["credit-zh"]?["sections"] as? [String: Int])?["credit_changes"] == credit.count)
        #expect((pages["units-zh"]?["sections"] as? [String: Int])?["units"] == 35)
        #expect((pages["report-zh"]?["h1"] as? String)?.hasPrefix("厦门市AEO企业培育工作进展（") == true)
        #expect((pages["meeting-record"]?["h1"] as? String)?.hasPrefix("联席会议纪要") == true)
        #expect((result["report_pdf_bytes"] as? Int ?? 0) > 10_000)
        let phone = try #require(result["phone"] as? [String: Int])
        #expect(phone["scroll_width"]! <= phone["inner_width"]! + 1, "the overview is wider than a phone: \(phone)")
        // The units view counts what waits for each unit: the downgrade above waits for the demo's
        // units, all offline now.
        let units = try JSONSerialization.jsonObject(with: Data(try HTTP.get(dashboard.url + "units.json").body.utf8))
        let rows = try #require(
            ((units as? [String: Any])?["sections"] as? [String: Any])?["units"] as? [[String: Any]])
        let dongdu = try #require(rows.first { $0["unit"] as? String == "xm-dongdu" })
        #expect((dongdu["waiting"] as? Int ?? 0) >= 1, "\(dongdu)")
        #expect(rows.count == 35)
        // The command line prints the same document to PDF with Chromium.
        let pdf = demo.folder.appendingPathComponent("report.pdf")
        let printed = try demo.run("commerce-bureau", ["report", "--format", "pdf", "--out", pdf.path, "--lang", "zh"])
        #expect(printed.status == 0, "\(printed.output)")
        #expect((try? Data(contentsOf: pdf))?.prefix(5) == Data("%PDF-".utf8))
        for name in ["overview-zh.png", "report-zh.png", "overview-phone.png", "meeting-record.png"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name)")
        }
    }

    @Test("read-only, loopback by default; another address needs accounts; accounts are checked with bcrypt")
    func access() throws {
        let demo = try DemoProcess()
        let open = try DashboardProcess(demo: demo)
        let before = try HTTP.get(open.url + "overview.json")
        #expect(before.status == 200)
        #expect(
            try HTTP.get(open.url, method: "POST").status == 405 || HTTP.get(open.url, method: "POST").status == 404)
        for page in ["", "requests", "cases", "audits", "meetings", "credit", "units", "report"] {
            #expect(try HTTP.get(open.url + page).status == 200, "\(page)")
        }
        let after = try HTTP.get(open.url + "overview.json")
        let sequence = { (text: String) in
            (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["as_of_sequence"] as? Int
        }
        #expect(
            sequence(before.body) != nil && sequence(before.body) == sequence(after.body), "reading wrote to the log")

        // Without accounts only loopback names are answered: no page through a rebound domain.
        let rebound = try AEOHubProcess.runProcess(
            URL(fileURLWithPath: "/usr/bin/curl"),
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: attacker.example", open.url])
        #expect(rebound.output == "403", "\(rebound.output)")
        let refused = try demo.run("commerce-bureau", ["dashboard", "--listen", "0.0.0.0:0"])
        #expect(refused.status != 0 && refused.output.contains("--accounts"), "\(refused.output)")

        let hash = try AEOHubProcess.runProcess(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "printf 'correct horse\\n' | \"$0\" dashboard hash-password", demo.binary.path])
        #expect(hash.status == 0 && hash.output.hasPrefix("$2"), "\(hash.output)")
        let accounts = demo.folder.appendingPathComponent("accounts")
        try "# coordinator's staff\nlin:\(hash.output.trimmingCharacters(in: .whitespacesAndNewlines))\n"
            .write(to: accounts, atomically: true, encoding: .utf8)
        let guarded = try DashboardProcess(demo: demo, arguments: ["--accounts", accounts.path])
        let anonymous = try HTTP.get(guarded.url)
        #expect(anonymous.status == 401 && anonymous.headers.lowercased().contains("www-authenticate: basic"))
        #expect(try HTTP.get(guarded.url, user: "lin:wrong").status == 401)
        #expect(try HTTP.get(guarded.url + "credit", user: "lin:correct horse").status == 200)
    }

    @Test("aeohub hub --dashboard serves the same dashboard beside the hub, as the coordinator")
    func insideTheHub() throws {
        let network = try DeployedNetwork { keys in
            [
                "--dashboard", "127.0.0.1:0", "--dashboard-key",
                keys.appendingPathComponent("commerce-bureau.secret").path,
            ]
        }
        let filed = try network.run(
            "huli",
            [
                "request", "file", "--request", "REQ-H1", "--uscc", "91350200776049653A",
                "--name", "厦门示例贸易有限公司",
                "--area", "350206", "--category", "aeo-intent", "--description", "Intends to apply.", "--contact-name",
                "Lin Wei",
            ])
        #expect(filed.status == 0, "\(filed.output)")
        let deadline = Date().addingTimeInterval(60)
        var port: String?
        while port == nil, Date() < deadline {
            port = network.hubLog.firstMatch(of: /port=([0-9]+) \[Dashboard\] dashboard serving/).map {
                String($0.output.1)
            }
            if port == nil { Thread.sleep(forTimeInterval: 0.2) }
        }
        let url = "http://127.0.0.1:\(try #require(port, "no dashboard in the hub's log: \(network.hubLog)"))/"
        let ledger = try HTTP.get(url + "requests.json")
        #expect(ledger.status == 200)
        #expect(ledger.body.contains("REQ-H1"), "\(ledger.body)")
        #expect(try HTTP.get(url).body.contains("厦门市AEO企业培育协同"))
    }
}
