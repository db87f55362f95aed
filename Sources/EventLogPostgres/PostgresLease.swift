import EventLog
import Foundation
import PostgresNIO

/// Who may write the log: one row in the log's schema, with an epoch that grows by one at every
/// change of holder, the holder's name and an expiry on the database server's clock (so hubs with
/// skewed clocks still agree).
public struct Lease: Sendable, Hashable {
    /// Grows by one each time the lease changes hands; appends are fenced by it.
    public var epoch: UInt64
    public var holder: String
    /// The server's time when the lease lapses unless renewed, in Unix milliseconds.
    public var expiresAt: Int64

    public init(epoch: UInt64, holder: String, expiresAt: Int64) {
        self.epoch = epoch
        self.holder = holder
        self.expiresAt = expiresAt
    }
}

/// The lease on a log in PostgreSQL (DESIGN.md promise 13). A hub acquires it before it serves and
/// renews it well within its duration; a store fenced with the lease's epoch
/// (``PostgresEventStore/append(_:fencedBy:)``) refuses to append once another holder has taken it,
/// checked in the append's own transaction, so a hub that lost the lease cannot write a single record
/// after the new holder took over.
public final class PostgresLease: Sendable {
    /// This holder's name (a hub's id, e.g. its host name).
    public let holder: String
    let link: PostgresLink

    /// The lease of the log at `store`, for `holder`.
    public init(store: PostgresEventStore, holder: String) {
        self.holder = holder
        link = store.writer
    }

    /// The lease as it stands, `nil` if none was ever taken.
    public func current() throws -> Lease? {
        try link.withSession { session in
            try Self.lease(
                session.query(
                    """
                    SELECT epoch, holder, (extract(epoch FROM expires_at) * 1000)::bigint FROM lease WHERE name = 'hub'
                    """
                ))
        }
    }

    /// Takes the lease for `duration` if it is free, lapsed, or already this holder's; answers it
    /// (a new epoch if it changed hands), or `nil` if another holder has it.
    public func acquire(for duration: Duration) throws -> Lease? {
        try link.transaction { session in
            let milliseconds = Self.milliseconds(duration)
            return try Self.lease(
                session.query(
                    """
                    INSERT INTO lease AS l (name, epoch, holder, expires_at)
                    VALUES ('hub', 1, \(holder), clock_timestamp() + \(milliseconds)::float8 * interval '1 millisecond')
                    ON CONFLICT (name) DO UPDATE SET
                        epoch = CASE WHEN l.holder = excluded.holder THEN l.epoch ELSE l.epoch + 1 END,
                        holder = excluded.holder, expires_at = excluded.expires_at
                    WHERE l.holder = excluded.holder OR l.expires_at < clock_timestamp()
                    RETURNING epoch, holder, (extract(epoch FROM expires_at) * 1000)::bigint
                    """))
        }
    }

    /// Extends `lease` by `duration` if this holder still has it at the same epoch, even if it
    /// lapsed meanwhile with no one taking it; `nil` if it changed hands.
    public func renew(_ lease: Lease, for duration: Duration) throws -> Lease? {
        try link.transaction { session in
            try Self.lease(
                session.query(
                    """
                    UPDATE lease
                    SET expires_at = clock_timestamp()
                        + \(Self.milliseconds(duration))::float8 * interval '1 millisecond'
                    WHERE name = 'hub' AND epoch = \(Int64(lease.epoch)) AND holder = \(holder)
                    RETURNING epoch, holder, (extract(epoch FROM expires_at) * 1000)::bigint
                    """))
        }
    }

    /// Lets `lease` lapse now, if this holder still has it at the same epoch, so the other hub of the
    /// pair takes over at its next poll instead of waiting for the expiry (a graceful stop).
    public func release(_ lease: Lease) throws {
        try link.transaction { session in
            try session.query(
                """
                UPDATE lease SET expires_at = clock_timestamp() - interval '1 millisecond'
                WHERE name = 'hub' AND epoch = \(Int64(lease.epoch)) AND holder = \(holder)
                """)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    private static func lease(_ rows: [PostgresRow]) throws -> Lease? {
        guard let row = rows.first else { return nil }
        let (epoch, holder, expiresAt) = try row.decode((Int64, String, Int64).self)
        return Lease(epoch: UInt64(epoch), holder: holder, expiresAt: expiresAt)
    }
}

/// The epoch a store's appends are fenced by, and whom to tell when one is refused.
struct Fencing: Sendable {
    let epoch: UInt64
    let whenFenced: @Sendable () -> Void
}

extension PostgresEventStore {
    /// From now on every ``append(_:)`` is fenced by `epoch` (as ``append(_:fencedBy:)``): the hub of a
    /// pair writes through an ordinary `EventStore` and still cannot append once its lease changed hands.
    /// `whenFenced` is called (on the appending thread) each time an append is refused for that reason.
    public func fence(epoch: UInt64, whenFenced: @escaping @Sendable () -> Void = {}) {
        fencing.withLock { $0 = Fencing(epoch: epoch, whenFenced: whenFenced) }
    }

    /// ``append(_:)`` only while the lease's epoch is still `epoch`: checked, with the lease row locked
    /// against a takeover, in the append's own transaction. Throws ``EventLogError/fenced(epoch:current:)``
    /// and writes nothing otherwise.
    public func append(_ batch: [PendingRecord], fencedBy epoch: UInt64) throws -> [LogRecord] {
        try append(batch) { session in
            let current = try session.query("SELECT epoch FROM lease WHERE name = 'hub' FOR SHARE").first?
                .decode(Int64.self)
            guard let current, UInt64(current) == epoch else {
                throw EventLogError.fenced(epoch: epoch, current: current.map { UInt64($0) })
            }
        }
    }
}
