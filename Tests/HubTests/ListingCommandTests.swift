import Deployment
import Foundation
import HubNode
import HubProtocol
import Testing
import ZeroMQ

/// `aeohub request list` over a listing of several pages: the command asks for the next page while it
/// prints the one it has, and must still print every row once, in the view's order.
@Suite("Listings of several pages from the command line")
struct ListingCommandTests {
    @Test("a listing of three pages prints every row once, in the same order in text and JSON")
    func severalPages() async throws {
        let network = try DeployedNetwork()
        defer { _ = network.stop() }
        let count = 2_345  // pages of 1,000: two full and one part
        let huli = try await Self.node("huli", of: network)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1...count {
                if index > 64 { try await group.next() }  // 64 submits in flight
                group.addTask { _ = try await huli.submit(Make.request(String(format: "REQ-2026-%05d", index))) }
            }
            try await group.waitForAll()
        }
        await huli.close()

        let json = try await network.runDetached("commerce-bureau", ["request", "list", "--json"])
        try #require(json.status == 0, "\(json.output.prefix(2000))")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        let ids = rows.compactMap { $0["request"] as? String }
        #expect(ids.count == count && Set(ids).count == count, "\(ids.count) rows, \(Set(ids).count) different")
        // The view's order, page after page of 200 asked one at a time through the node library.
        let bureau = try await Self.node("commerce-bureau", of: network)
        var request = ViewRequest.with { $0.kind = .requests }
        var expected: [String] = []
        repeat {
            let page = try await bureau.page(request)
            expected += page.requests.map(\.requestID)
            request.afterKey = page.nextKey
        } while !request.afterKey.isEmpty
        await bureau.close()
        #expect(ids == expected)

        let text = try await network.runDetached("commerce-bureau", ["request", "list", "--lang", "en"])
        try #require(text.status == 0, "\(text.output.prefix(2000))")
        let lines = text.output.split(separator: "\n").dropFirst(2)  // the titles and the rule under them
        #expect(lines.map { String($0.prefix(while: { $0 != " " })) } == ids)
    }

    /// A library node of the deployed network, with its key from the network's keys folder.
    static func node(_ id: String, of network: DeployedNetwork) async throws -> HubNode {
        let secret = try KeyFiles.readSecretKey(network.keys.appendingPathComponent("\(id).secret").path)
        let hubKey = try KeyFiles.readKey(network.keys.appendingPathComponent("hub.public").path)
        let node = try HubNode(
            configuration: NodeConfiguration(
                nodeID: id, endpoint: network.endpoint, hubKey: hubKey, keyPair: try CurveKeyPair(secretKey: secret),
                stateDirectory: nil),
            logger: quiet)
        try await node.start()
        return node
    }
}
