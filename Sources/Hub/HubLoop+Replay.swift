import EventLog
import Foundation
import HubProtocol
import ZeroMQ

/// A replay under way: what it reads, how far it got, and a chunk its reader was not ready for.
struct ReplayCursor {
    let routingID: Data
    let nodeID: String
    let requestID: String
    let filter: RecordFilter
    var after: UInt64 = 0
    var sent: UInt64 = 0
    let limit: UInt64
    /// The chunk read last, kept while the reader's queue is full.
    var waiting: (message: Message, last: UInt64, count: Int)?
    var stalledSince: ContinuousClock.Instant?
}

// Replay (SPEC.md 4.5): a cursor per request, advanced one chunk per loop turn with sends that never
// block, so that a long replay, or a reader that stops reading, delays nobody else's submit.
extension HubLoop {
    /// Records per REPLAY_ITEMS.
    static let replayChunk = 500
    /// Replays one node may have under way at once; more are refused RATE_LIMITED.
    static let replaysPerNode = 2

    func startReplay(_ request: ReplayRequest, for nodeID: String, routingID: Data) {
        counters.replayRequests.add(1)
        var filter = RecordFilter()
        filter.fromSequence = request.fromSequence
        filter.toSequence = request.toSequence
        filter.fromTime = request.fromTimeMs
        filter.toTime = request.toTimeMs
        filter.types = request.types
        filter.uscc = request.uscc.isEmpty ? nil : request.uscc
        filter.meetingID = request.meetingID.isEmpty ? nil : request.meetingID
        filter.caseID = request.caseID.isEmpty ? nil : request.caseID
        filter.node = request.nodeID.isEmpty ? nil : request.nodeID
        if configuration.topology.units[nodeID]?.role != .coordinator {
            if let asked = filter.node, asked != nodeID {
                endReplay(
                    request.requestID, to: routingID, code: .replayForbidden,
                    reason:
                        "only the coordinator replays other units' records; \(nodeID) may replay what it sent or "
                        + "received"
                )
                return
            }
            filter.node = nodeID
        }
        let under = replays.filter { $0.nodeID == nodeID }
        if under.contains(where: { $0.routingID == routingID && $0.requestID == request.requestID }) { return }
        guard under.count < Self.replaysPerNode else {
            endReplay(
                request.requestID, to: routingID, code: .rateLimited,
                reason: "\(nodeID) has \(under.count) replays under way; ask again when one has ended")
            return
        }
        replays.append(
            ReplayCursor(
                routingID: routingID, nodeID: nodeID, requestID: request.requestID, filter: filter,
                limit: request.limit == 0 ? UInt64.max : UInt64(request.limit)))
    }

    /// Sends the next chunk of the replay first in line, then puts it at the back: one chunk per turn
    /// in all, each replay in turn.
    func advanceReplays() throws {
        var cursor = replays.removeFirst()
        if cursor.waiting == nil, cursor.sent < cursor.limit {
            let remaining = min(UInt64(Self.replayChunk), cursor.limit - cursor.sent)
            let chunk = try store.records(matching: cursor.filter, after: cursor.after, limit: Int(remaining))
            if let last = chunk.last {
                let items = Command.replayItems(
                    ReplayItems.with { $0.requestID = cursor.requestID },
                    chunk.map { StoredEnvelope(bytes: $0.envelope) })
                cursor.waiting = (Message([cursor.routingID] + WireCodec.encode(items)), last.sequence, chunk.count)
            }
        }
        guard let waiting = cursor.waiting else {
            endReplay(cursor.requestID, to: cursor.routingID, count: cursor.sent)
            return
        }
        switch sendReplayChunk(waiting.message) {
        case .sent:
            cursor.after = waiting.last
            cursor.sent += UInt64(waiting.count)
            counters.replayRecords.add(waiting.count)
            cursor.waiting = nil
            cursor.stalledSince = nil
            replays.append(cursor)
        case .full:
            let since = cursor.stalledSince ?? .now
            guard ContinuousClock.now - since < configuration.replayStallLimit else {
                logger.warning(
                    "replay abandoned: the reader stopped reading",
                    metadata: ["node": "\(cursor.nodeID)", "sent": "\(cursor.sent)"])
                return
            }
            cursor.stalledSince = since
            replays.append(cursor)
        case .gone:
            return
        }
    }

    private enum ChunkSent { case sent, full, gone }

    private func sendReplayChunk(_ message: Message) -> ChunkSent {
        do {
            return try socket.trySend(message) ? .sent : .full
        } catch {
            return .gone  // EHOSTUNREACH: the reader disconnected
        }
    }

    private func endReplay(
        _ requestID: String, to routingID: Data, count: UInt64 = 0, code: ErrorCode = .unspecified, reason: String = ""
    ) {
        send(
            .replayEnd(
                ReplayEnd.with {
                    $0.requestID = requestID
                    $0.count = count
                    $0.code = code
                    $0.reason = reason
                }), to: routingID)
    }
}
