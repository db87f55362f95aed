import Coordination
import Foundation
import HubNode
import HubProtocol
import Testing

/// A unit reading a listing page after page gets each next page built while it prints the one it
/// has; a page built ahead is answered only while it includes what the request must.
@Suite("Pages built ahead for a unit reading page after page")
struct PageAheadTests {
    @Test("pages built ahead are the pages the state answers; a record accepted after one was built is in it")
    func pagesAhead() async throws {
        let network = try TestNetwork()
        network.rateLimit = nil
        try network.startHub()
        let huli = try await network.node("huli", state: false)
        for index in 1...110 { _ = try await huli.submit(Make.request(String(format: "REQ-%04d", index))) }
        let bureau = try await network.node("commerce-bureau", state: false)
        let today = CivilDate(chinaTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        func page(after key: String) async throws -> View {
            let request = ViewRequest.with {
                $0.kind = .requests
                $0.pageSize = 20
                $0.afterKey = key
            }
            let page = try await bureau.page(request)
            let truth = try network.truth().view(request, for: "commerce-bureau", on: today)
            #expect(page.requests == truth.requests && page.nextKey == truth.nextKey && page.total == truth.total)
            return page
        }
        func answeredAhead() -> Int? { network.hub?.counters.snapshot["pages_answered_ahead"] }

        var key = ""
        for _ in 1...5 { key = try await page(after: key).nextKey }
        // Page 2 was asked after a key: pages 3, 4 and 5 were built while the one before was read.
        #expect(answeredAhead() == 3)
        // Page 6 is built after page 5 went out.
        func builtAhead() -> Int? { network.hub?.counters.snapshot["pages_built_ahead"] }
        for _ in 0..<500 where builtAhead() != 4 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(builtAhead() == 4)

        // Page 6 was built ahead before this request was accepted: the page asked for must show it.
        _ = try await huli.submit(Make.request("REQ-0111"))
        let last = try await page(after: key)
        #expect(last.requests.map(\.requestID) == (101...111).map { String(format: "REQ-%04d", $0) })
        #expect(last.nextKey.isEmpty && last.total == 111)
        #expect(answeredAhead() == 3)
        await bureau.close()
        await huli.close()
        await network.stopHub()
    }
}
