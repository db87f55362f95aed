import Coordination
import Crypto
import EventLog
import Foundation
import HubProtocol
import Logging

/// Snapshots of the folded workflow state (SPEC.md 12): written by the projection thread, restored at
/// start-up and after a failed commit, so that only the records after the newest snapshot are folded.
struct StateSnapshots: Sendable {
    /// A fold restored from a snapshot: the state, the record it ends at, and its latest accepted time.
    struct Restored {
        var state: CoordinationState
        var head: LogHead
        var lastAcceptedAt: Int64
    }

    /// Why a stored snapshot was not used.
    struct Unusable: Error, CustomStringConvertible {
        let description: String
    }

    /// The snapshot format this hub writes and reads.
    static let format: UInt32 = 1

    let store: any SnapshotStore
    let topology: Topology
    private let topologyDigest: Data

    init(store: any SnapshotStore, topology: Topology) {
        self.store = store
        self.topology = topology
        topologyDigest = Data(SHA256.hash(data: topology.canonicalEncoding))
    }

    /// The newest stored snapshot that is intact, in a format and layout this hub reads, folded under
    /// this topology, and whose last record is in `log` with the same hash; `nil` if there is none.
    /// Each one passed over is logged with the reason.
    func newest(agreeingWith log: any EventStore, logger: Logger) -> Restored? {
        guard let sequences = try? store.snapshotSequences(), let head = try? log.head().sequence else {
            return nil
        }
        for sequence in sequences where sequence <= head && sequence > 0 {
            do {
                return try restore(at: sequence, agreeingWith: log)
            } catch {
                logger.warning("snapshot not used", metadata: ["sequence": "\(sequence)", "reason": "\(error)"])
            }
        }
        return nil
    }

    private func restore(at sequence: UInt64, agreeingWith log: any EventStore) throws -> Restored {
        let file = try SnapshotFile(serializedBytes: try store.loadSnapshot(at: sequence))
        guard Data(SHA256.hash(data: file.body)) == file.sha256 else {
            throw Unusable(description: "its checksum does not match its contents")
        }
        let body = try SnapshotBody(serializedBytes: file.body)
        guard body.format == Self.format, body.stateLayout == CoordinationState.foldLayoutVersion else {
            let hint = body.stateLayout == 1 ? " (layout 1, the state as JSON, is no longer read)" : ""
            throw Unusable(description: "format \(body.format), layout \(body.stateLayout) is not this hub's\(hint)")
        }
        guard body.sequence == sequence else { throw Unusable(description: "it names record \(body.sequence)") }
        guard body.topologySha256 == topologyDigest else {
            throw Unusable(description: "it was folded under another topology")
        }
        let record = try log.records(matching: RecordFilter(), after: sequence - 1, limit: 1).first
        guard let record, record.sequence == sequence, record.hash == body.recordHash else {
            throw Unusable(description: "the log's record \(sequence) is not the one it was folded up to")
        }
        let state = try CoordinationState(topology: topology, restoring: body.state)
        return Restored(
            state: state, head: LogHead(sequence: sequence, hash: record.hash), lastAcceptedAt: body.lastAcceptedAtMs)
    }

    /// Writes a snapshot of `state`, folded up to `head`.
    func save(_ state: CoordinationState, head: LogHead, lastAcceptedAt: Int64) throws {
        let body =
            try SnapshotBody.with {
                $0.format = Self.format
                $0.sequence = head.sequence
                $0.recordHash = head.hash
                $0.topologySha256 = topologyDigest
                $0.stateLayout = CoordinationState.foldLayoutVersion
                $0.state = state.storedFold
                $0.lastAcceptedAtMs = lastAcceptedAt
                $0.writtenAtMs = Int64(Date().timeIntervalSince1970 * 1000)
            }.serializedBytes() as Data
        let file = SnapshotFile.with {
            $0.body = body
            $0.sha256 = Data(SHA256.hash(data: body))
        }
        try store.saveSnapshot(try file.serializedBytes(), sequence: head.sequence)
    }
}
