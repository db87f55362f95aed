import Foundation
import Testing

// Breach reports, customs contacts and the services given to AEOs from the command line (protocol 1.4).
extension MeasuresSessionTests {
    @Test("a department reports a breach and records services; customs names a liaison and dismisses the report")
    func breachesAndServices() throws {
        let network = try DeployedNetwork()
        let uscc = Self.jimei[1]
        try certify(network, Self.jimei, case: "CASE-S")
        try ok(
            network, "xm-dongdu",
            [
                "enterprise", "contact", "--uscc", uscc, "--duty", "liaison", "--officer-id", "DD-2001",
                "--officer-name", "Wu Lei 吴磊",
            ])
        let standing = try #require(
            try rows(network, "huli", ["enterprise", "show", uscc], schema: "enterprises.schema.json").first)
        #expect(standing["liaison"] as? String == "Wu Lei 吴磊 (DD-2001)", "\(standing)")

        try ok(
            network, "tax-bureau",
            ["credit", "report-breach", "--report", "BR-1"] + Self.jimei + [
                "--severity", "general", "--facts", "Refund claimed on false invoices 虚开发票骗退",
                "--found-on", chinaDay(-1), "--pushed-on", chinaDay(0),
            ])
        let both = try refused(
            network, "xm-dongdu",
            ["credit", "decide-breach", "--report", "BR-1", "--change", "CR-9", "--dismiss", "--reason", "x"],
            status: 64)
        #expect(both.contains("either --change"), "\(both)")
        try ok(
            network, "xm-dongdu",
            ["credit", "decide-breach", "--report", "BR-1", "--dismiss", "--reason", "Not proven."])
        let report = try #require(
            try rows(network, "tax-bureau", ["credit", "breaches"], schema: "breaches.schema.json").first)
        #expect(report["status"] as? String == "dismissed" && report["pushed_to_platform"] as? String == chinaDay(0))
        #expect(try ok(network, "tax-bureau", ["credit", "breaches", "--open"]) == "(none)\n")

        try ok(
            network, "tax-bureau",
            ["service", "refund", "--record", "REF-1"] + Self.jimei + [
                "--applied-on", chinaDay(-10), "--refunded-on", chinaDay(-9),
            ])
        try ok(
            network, "market-regulation",
            ["service", "tolerance", "--record", "TOL-1"] + Self.jimei + [
                "--matter", "Change of registration 变更登记", "--missing", "Board resolution",
                "--accepted-on", chinaDay(-3), "--due", chinaDay(7),
            ])
        let refund = try #require(
            try rows(network, "tax-bureau", ["service", "list"], schema: "services.schema.json").first)
        #expect(refund["kind"] as? String == "refund" && refund["working_days"] as? Int ?? 0 <= 1, "\(refund)")
        let open = try rows(network, "commerce-bureau", ["service", "list", "--open"], schema: "services.schema.json")
        #expect(open.map { $0["record"] as? String } == ["TOL-1"], "\(open)")
        try ok(
            network, "huli",
            [
                "service", "open-window", "--window", "WIN-1", "--centre", "湖里区政务服务中心", "--area", "350206",
                "--office", "xm-dongdu", "--opened-on", chinaDay(-5),
            ])
        try ok(
            network, "huli",
            [
                "service", "publish-priorities", "--matter", "进出口许可证=单一窗口", "--matter",
                "社会保险变更=12号窗口", "--published-on", chinaDay(0),
            ])
        let window = try rows(
            network, "fuzhou-customs", ["service", "windows", "--open"], schema: "windows.schema.json")
        #expect(window.first?["office"] as? String == "xm-dongdu" && window.first?["closed_on"] is NSNull)
        let lists = try rows(network, "siming", ["service", "priorities"], schema: "priority-matters.schema.json")
        #expect((lists.first?["matters"] as? [[String: String]])?.first?["channel"] == "单一窗口", "\(lists)")
        let chinese = try ok(network, "commerce-bureau", ["service", "list", "--lang", "zh"])
        #expect(chinese.contains("容缺受理") && chinese.contains("出口退税"), "\(chinese)")
        #expect(network.stop() == 0, "\(network.hubLog)")
    }
}
