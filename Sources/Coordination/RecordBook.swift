/// A record that a view lists: its listing key orders the view's pages (SPEC.md 4.7) and never
/// changes once the record exists.
public protocol Listable: Sendable, Hashable {
    var listingKey: String { get }
}

/// The records of one workflow by id, and their ids in the order their view lists them, kept as
/// records are added. A page of a listing therefore costs its own rows, not the history's
/// (issue 14): nothing is sorted and no row is built for a record the page does not show.
///
/// Reads like the dictionary it wraps (a collection of `(key, value)` pairs, `values`, `keys`,
/// `[id]`); adding a record through the subscript files its id in the listing order.
public struct RecordBook<Record: Listable>: Sendable {
    /// One record's place in the listing order.
    struct Entry: Sendable, Hashable {
        let key: String
        let id: String
    }

    /// The records by id.
    public private(set) var byID: [String: Record] = [:]
    /// Every record's listing key and id, in ascending key order.
    private(set) var order: [Entry] = []

    public init() {}

    /// A book of `records` (a snapshot restored, a test's state): sorts them once.
    public init(_ records: [String: Record]) {
        byID = records
        order = records.map { Entry(key: $0.value.listingKey, id: $0.key) }.sorted { $0.key < $1.key }
    }

    /// The record with `id`. Setting a record for a new id files it in the listing order.
    public subscript(id: String) -> Record? {
        get { byID[id] }
        _modify {
            let isNew = byID[id] == nil
            // After the access even if the caller's mutation ends early, so the order never misses a record.
            defer { file(id, wasNew: isNew) }
            yield &byID[id]
        }
    }

    public var values: Dictionary<String, Record>.Values { byID.values }
    public var keys: Dictionary<String, Record>.Keys { byID.keys }

    /// Where the records listed after `key` start in the listing order (all of them for an empty key).
    func firstIndex(after key: String) -> Int {
        guard !key.isEmpty else { return 0 }
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle].key <= key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private mutating func file(_ id: String, wasNew: Bool) {
        switch (wasNew, byID[id]) {
        case (true, let added?):
            let entry = Entry(key: added.listingKey, id: id)
            // Records mostly arrive in key order (ids and filing times grow): appending is the common case.
            if let last = order.last, last.key > entry.key {
                order.insert(entry, at: firstIndex(after: entry.key))
            } else {
                order.append(entry)
            }
        case (false, nil):
            order.removeAll { $0.id == id }
        default:
            break
        }
    }
}

extension RecordBook: Collection {
    public typealias Index = Dictionary<String, Record>.Index
    public typealias Element = Dictionary<String, Record>.Element

    public var startIndex: Index { byID.startIndex }
    public var endIndex: Index { byID.endIndex }
    public subscript(position: Index) -> Element { byID[position] }
    public func index(after index: Index) -> Index { byID.index(after: index) }
    public var count: Int { byID.count }
    public var isEmpty: Bool { byID.isEmpty }
}

extension RecordBook: Equatable {
    /// Two books are equal when their records are: the order follows from them.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.byID == rhs.byID }
}
