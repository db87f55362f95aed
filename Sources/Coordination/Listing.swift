import HubProtocol
import SwiftProtobuf

/// What views cost: the count behind the test that a page costs its own rows (issue 14).
public struct ViewWork: Sendable, Equatable {
    /// Rows built for pages.
    public internal(set) var rowsBuilt = 0
    /// Records looked at (whether a unit sees it, whether it passes the filters).
    public internal(set) var recordsVisited = 0

    public init() {}
}

/// Which records of a book a view shows, and the row it shows for each.
struct ListingRule<Record: Listable, Row: SwiftProtobuf.Message> {
    /// Whether the asking unit sees the record and it passes the request's filters.
    let includes: (Record) -> Bool
    let row: (Record) -> Row
}

/// One page cut from a listing: the rows after `after` in the book's listing order that the rule
/// includes, up to `size` rows and, when `measuringRows`, ``CoordinationState/pageBytes`` (at least
/// one row).
struct Listing {
    let after: String
    let size: Int
    /// No filter is set: a unit that sees every record lists the whole book.
    let unfiltered: Bool
    let measuringRows: Bool
    private(set) var total = 0
    private(set) var nextKey = ""
    var work = ViewWork()

    init(after: String, size: Int, unfiltered: Bool, measuringRows: Bool = true) {
        self.after = after
        self.size = size
        self.unfiltered = unfiltered
        self.measuringRows = measuringRows
    }

    /// The page's rows; sets ``total`` and ``nextKey``. `seesAll`: the unit sees every record of the book.
    mutating func page<Record, Row>(
        _ book: RecordBook<Record>, _ seesAll: Bool, _ rule: ListingRule<Record, Row>
    ) -> [Row] {
        var rows: [Row] = []
        rows.reserveCapacity(min(size, book.count))
        var bytes = 0
        var more = false
        var lastKey = ""
        for entry in book.order[book.firstIndex(after: after)...] {
            guard let record = book[entry.id] else { continue }
            work.recordsVisited += 1
            guard rule.includes(record) else { continue }
            if rows.count == size {
                more = true
                break
            }
            let row = rule.row(record)
            work.rowsBuilt += 1
            if measuringRows {
                bytes += (try? row.serializedBytes() as [UInt8])?.count ?? 0
                if !rows.isEmpty, bytes > CoordinationState.pageBytes {
                    more = true
                    break
                }
            }
            rows.append(row)
            lastKey = entry.key
        }
        if seesAll && unfiltered {
            total = book.count
        } else {
            total = book.values.reduce(0) { count, record in count + (rule.includes(record) ? 1 : 0) }
            work.recordsVisited += book.count
        }
        nextKey = more ? lastKey : ""
        return rows
    }
}
