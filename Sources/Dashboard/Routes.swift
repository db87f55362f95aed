import Coordination
import Foundation
import HubNode
import HubProtocol
import Hummingbird
import HummingbirdAuth
import Mustache
import Reports

/// The dashboard's routes: every page in HTML and JSON, the stylesheet, and the documents.
struct Routes: Sendable {
    let source: any DashboardSource
    let topology: Topology
    let refreshSeconds: Int
    let library: MustacheLibrary

    typealias Context = BasicAuthRequestContext<Account>

    init(source: any DashboardSource, topology: Topology, refreshSeconds: Int) throws {
        self.source = source
        self.topology = topology
        self.refreshSeconds = refreshSeconds
        library = try Templates.library()
    }

    /// The pages in navigation order: path and title.
    static let pages: [(path: String, zh: String, en: String)] = [
        ("", "总览", "Overview"), ("requests", "企业诉求", "Requests"), ("cases", "认证案件", "Cases"),
        ("audits", "实地认证", "Audits"), ("meetings", "联席会议", "Meetings"), ("credit", "信用与激励", "Credit"),
        ("units", "单位", "Units"), ("report", "双月报告", "Report"),
    ]

    func register(on router: Router<Context>) throws {
        router.add(middleware: HubUnavailable())
        router.get("style.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: Templates.style)))
        }
        for page in Self.pages where page.path != "report" {
            let path = page.path.isEmpty ? "" : page.path
            router.get(RouterPath(path.isEmpty ? "/" : path)) { request, _ in
                try await html(page: page.path, request)
            }
            router.get(RouterPath("\(path.isEmpty ? "overview" : path).json")) { request, _ in
                let built = try await build(page.path, language(request))
                return Self.response(try built.json(), type: "application/json")
            }
        }
        router.get("report") { request, _ in
            let report = try await report(request)
            return Self.response(report.html, type: "text/html; charset=utf-8")
        }
        router.get("report.json") { request, _ in
            Self.response(try await report(request).json(), type: "application/json")
        }
        router.get("meetings/:id") { request, context in
            let id = try context.parameters.require("id")
            let records = try await source.records().filter { MeetingRecordDocument.meetingID(of: $0) == id }
            guard !records.isEmpty else { throw HTTPError(.notFound, message: "there is no meeting \(id)") }
            let document = MeetingRecordDocument(records: records, topology: topology, language: language(request))
            return Self.response(document.html, type: "text/html; charset=utf-8")
        }
    }

    private func language(_ request: Request) -> Language {
        request.uri.queryParameters.get("lang") == "en" ? .en : .zh
    }

    private static var today: CivilDate { CivilDate(chinaTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000)) }

    private func build(_ path: String, _ language: Language) async throws -> Page {
        let builder = PageBuilder(source: source, topology: topology, language: language, today: Self.today)
        switch path {
        case "requests": return try await builder.requests()
        case "cases": return try await builder.cases()
        case "audits": return try await builder.audits()
        case "meetings": return try await builder.meetings()
        case "credit": return try await builder.credit()
        case "units": return try await builder.units()
        default: return try await builder.overview()
        }
    }

    private func html(page path: String, _ request: Request) async throws -> Response {
        let language = language(request)
        let page = try await build(path, language)
        let suffix = language == .en ? "?lang=en" : ""
        let navigation: [[String: Any]] = Self.pages.map { item in
            ["href": "/\(item.path)\(suffix)", "label": language.pick(item.zh, item.en), "here": item.path == path]
        }
        let html =
            library.render(
                page.context(language: language, refreshSeconds: refreshSeconds, navigation: navigation),
                withTemplate: "page") ?? ""
        return Self.response(html, type: "text/html; charset=utf-8")
    }

    private func report(_ request: Request) async throws -> ReportDocument {
        let period: ReportPeriod
        if let text = request.uri.queryParameters.get("period") {
            do {
                period = try ReportPeriod(String(text), today: Self.today)
            } catch {
                throw HTTPError(.badRequest, message: "\(error)")
            }
        } else {
            period = ReportPeriod(containing: Self.today)
        }
        let activity = PeriodActivity(
            period: period, records: try await source.records(), topology: topology, today: Self.today)
        return ReportDocument(activity: activity, today: Self.today, language: language(request))
    }

    static func response(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A hub that cannot answer (down, restarting, refusing a view) is 503 with the reason, not 500.
struct HubUnavailable: RouterMiddleware {
    typealias Context = BasicAuthRequestContext<Account>

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as NodeError {
            throw HTTPError(.serviceUnavailable, message: "the hub cannot answer now: \(error)")
        }
    }
}
