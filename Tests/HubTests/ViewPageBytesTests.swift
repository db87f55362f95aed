import Coordination
import Foundation
import HubNode
import HubProtocol
import SwiftProtobuf
import Testing

/// A VIEW holds at most 768 KiB of rows (SPEC.md 4.7). The hub encodes a page once and builds it
/// again measuring each row only when that encoding is over the limit: the pages must be the ones
/// the state answers measuring every row.
@Suite("View pages within their byte limit")
struct ViewPageBytesTests {
    @Test("rows too large for 1,000 to a page are cut at 768 KiB; the pages list every row once, in order")
    func largeRows() async throws {
        let network = try TestNetwork()
        network.rateLimit = nil
        try network.startHub()
        let huli = try await network.node("huli", state: false)
        let count = 1000
        // Names at their 200-character limit in 4-byte characters (CJK Extension B): rows of about
        // 860 bytes, so 1,000 of them do not fit in one page.
        let name = String(repeating: "\u{20000}", count: 190)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1...count {
                if index > 32 { try await group.next() }
                group.addTask {
                    var envelope = Make.request(String(format: "BIG-%04d", index))
                    envelope.requestFiled.enterprise.name = "\(name) \(index)"
                    _ = try await huli.submit(envelope)
                }
            }
            try await group.waitForAll()
        }
        await huli.close()

        let bureau = try await network.node("commerce-bureau", state: false)
        let truth = try network.truth()
        let today = CivilDate(chinaTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        var request = ViewRequest.with {
            $0.kind = .requests
            $0.pageSize = 1000
        }
        var listed: [String] = []
        var pages = 0
        var previousBytes: Int?
        repeat {
            let page = try await bureau.page(request)
            let expected = truth.view(request, for: "commerce-bureau", on: today)
            #expect(page.requests == expected.requests && page.nextKey == expected.nextKey)
            #expect(page.total == UInt32(count))
            let sizes = try page.requests.map { (try $0.serializedBytes() as [UInt8]).count }
            let bytes = sizes.reduce(0, +)
            #expect(bytes <= CoordinationState.pageBytes, "page \(pages): \(bytes) bytes of rows")
            // The page before was cut at the limit: this page's first row would not have fitted.
            if let previousBytes, let first = sizes.first {
                #expect(previousBytes + first > CoordinationState.pageBytes)
            }
            previousBytes = bytes
            listed += page.requests.map(\.requestID)
            request.afterKey = page.nextKey
            pages += 1
        } while !request.afterKey.isEmpty
        await bureau.close()
        #expect(pages > 1)
        #expect(listed.count == count && Set(listed) == Set((1...count).map { String(format: "BIG-%04d", $0) }))
    }
}
