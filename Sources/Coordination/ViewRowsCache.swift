import Foundation
import HubProtocol
import SwiftProtobuf

/// The sorted rows of the listings asked for most recently, for one state: a listing read page by
/// page costs one build and sort of its rows, however many pages it has. Whoever keeps the state
/// keeps the cache beside it and empties it whenever the state changes.
public struct ViewRowsCache {
    /// How many listings are kept (a few readers paging at the same time).
    public static let capacity = 4

    private var entries: [(signature: Data, rows: Any)] = []
    /// Rows built since the cache was made (what a listing costs; tests count it).
    public private(set) var rowsBuilt = 0

    public init() {}

    /// Forgets every listing (the state changed).
    public mutating func removeAll() { entries.removeAll() }

    /// What names a listing: the request without its id, page size and position, the unit and the day.
    /// `nil` if the request cannot be serialized: such a listing is not kept.
    static func signature(_ request: ViewRequest, unit: String, today: CivilDate) -> Data? {
        var listing = request
        listing.requestID = ""
        listing.afterKey = ""
        listing.pageSize = 0
        guard let bytes = try? listing.serializedBytes() as [UInt8] else { return nil }
        return Data(bytes) + Data("\u{0}\(unit)\u{0}\(today)".utf8)
    }

    func rows(_ signature: Data?) -> Any? {
        guard let signature else { return nil }
        return entries.first { $0.signature == signature }?.rows
    }

    mutating func keep(_ rows: Any, count: Int, for signature: Data?) {
        rowsBuilt += count
        guard let signature else { return }
        entries.removeAll { $0.signature == signature }
        entries.append((signature, rows))
        if entries.count > Self.capacity { entries.removeFirst() }
    }
}
