import EventLog
import Foundation
import HubProtocol

/// A replay under way: what it reads, how far it got, and a chunk its reader was not ready for.
public struct ReplayCursor: Sendable {
    public let routingID: Data
    public let nodeID: String
    public let requestID: String
    public let filter: RecordFilter
    /// The last sequence sent.
    public internal(set) var after: UInt64 = 0
    /// Records sent so far.
    public internal(set) var sent: UInt64 = 0
    public let limit: UInt64
    /// The reader asked for the envelopes inside each REPLAY_ITEMS header (since 1.3).
    let inline: Bool
    /// The most envelopes to read for the next chunk: one more than the last chunk that was cut at
    /// ``RouterCore/replayChunkBytes``, doubling while chunks fit (`nil`: the turn's budget). Large
    /// envelopes are then read about once, not once per chunk until they are sent.
    var readLimit: Int?
    /// The chunk read last, kept while the reader's queue is full.
    var waiting: (command: Command, last: UInt64, count: Int)?
    public internal(set) var stalledSince: ContinuousClock.Instant?
}

// Replay (SPEC.md 4.5): a cursor per request, advanced one chunk per loop turn with sends that never
// block, so that a long replay, or a reader that stops reading, delays nobody else's submit. Replays
// spend their own budget: a rate of requests (``CoreConfiguration/replayRateLimit``) and records per
// turn (``CoreConfiguration/replayRecordsPerTurn``).
extension RouterCore {
    mutating func startReplay(_ request: ReplayRequest, for nodeID: String, routingID: Data, now: CoreTime) {
        count(.replayRequests)
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
                        + "received", now: now)
                return
            }
            filter.node = nodeID
        }
        let under = replays.filter { $0.nodeID == nodeID }
        if under.contains(where: { $0.routingID == routingID && $0.requestID == request.requestID }) { return }
        guard under.count < configuration.replaysPerNode else {
            endReplay(
                request.requestID, to: routingID, code: .rateLimited,
                reason: "\(nodeID) has \(under.count) replays under way; ask again when one has ended", now: now)
            return
        }
        replays.append(
            ReplayCursor(
                routingID: routingID, nodeID: nodeID, requestID: request.requestID, filter: filter,
                limit: request.limit == 0 ? UInt64.max : UInt64(request.limit), inline: request.inlineEnvelopes))
    }

    /// Advances the replays by one turn: the replay first in line sends its next chunk and goes to
    /// the back, and so on until this turn's record budget is spent or each had its turn. A read
    /// that fails ends that replay with STORAGE_UNAVAILABLE (the node asks again). Answers the
    /// records sent this turn.
    @discardableResult
    public mutating func advanceReplays(now: CoreTime) -> Int {
        var budget = configuration.replayRecordsPerTurn
        var turns = replays.count
        while budget > 0, turns > 0, !replays.isEmpty {
            turns -= 1
            budget -= advanceFirstReplay(budget: budget, now: now)
        }
        return configuration.replayRecordsPerTurn - budget
    }

    /// The most envelope bytes in one REPLAY_ITEMS, so that it stays under the 1 MiB message limit
    /// (an envelope is at most 256 KiB).
    public static let replayChunkBytes = 768 * 1024

    /// The chunk's first envelopes up to ``replayChunkBytes`` (at least one); the rest are read again
    /// for the next chunk.
    static func withinMessage(_ chunk: [SequencedEnvelope]) -> ArraySlice<SequencedEnvelope> {
        var bytes = 0
        for (index, item) in chunk.enumerated() {
            bytes += item.envelope.count
            if index > 0, bytes > replayChunkBytes { return chunk[..<index] }
        }
        return chunk[...]
    }

    /// Sends the next chunk of the first replay (at most `budget` records); answers the records sent.
    private mutating func advanceFirstReplay(budget: Int, now: CoreTime) -> Int {
        var cursor = replays.removeFirst()
        if cursor.waiting == nil, cursor.sent < cursor.limit {
            let remaining = min(UInt64(budget), cursor.limit - cursor.sent, UInt64(cursor.readLimit ?? budget))
            let chunk: [SequencedEnvelope]
            do {
                chunk = try log.envelopes(matching: cursor.filter, after: cursor.after, limit: Int(remaining))
            } catch {
                outbox.record(
                    .log(LogLine(.error, "replay read failed", ["node": cursor.nodeID, "error": "\(error)"])))
                endReplay(
                    cursor.requestID, to: cursor.routingID, count: cursor.sent, code: .storageUnavailable,
                    reason: "the hub could not read its log; ask again", now: now)
                return 0
            }
            let sent = Self.withinMessage(chunk)
            cursor.readLimit =
                sent.count < chunk.count
                ? sent.count + 1 : cursor.readLimit.map { min($0 * 2, configuration.replayRecordsPerTurn) }
            if let last = sent.last {
                var header = ReplayItems.with { $0.requestID = cursor.requestID }
                var frames: [StoredEnvelope] = []
                if cursor.inline {
                    header.envelopes = sent.map(\.envelope)
                } else {
                    frames = sent.map { StoredEnvelope(bytes: $0.envelope) }
                }
                cursor.waiting = (.replayItems(header, frames), last.sequence, sent.count)
            }
        }
        guard let waiting = cursor.waiting else {
            endReplay(cursor.requestID, to: cursor.routingID, count: cursor.sent, now: now)
            return 0
        }
        switch sendCommand(waiting.command, to: cursor.routingID, now: now) {
        case .sent:
            cursor.after = waiting.last
            cursor.sent += UInt64(waiting.count)
            count(.replayRecords, waiting.count)
            cursor.waiting = nil
            cursor.stalledSince = nil
            replays.append(cursor)
            return waiting.count
        case .full:
            let since = cursor.stalledSince ?? now.instant
            guard now.instant - since < configuration.replayStallLimit else {
                outbox.record(
                    .log(
                        LogLine(
                            .warning, "replay abandoned: the reader stopped reading",
                            ["node": cursor.nodeID, "sent": "\(cursor.sent)"])))
                return 0
            }
            cursor.stalledSince = since
            replays.append(cursor)
            return 0
        case .gone:
            return 0
        }
    }

    mutating func endReplay(
        _ requestID: String, to routingID: Data, count: UInt64 = 0, code: ErrorCode = .unspecified,
        reason: String = "", now: CoreTime
    ) {
        send(
            .replayEnd(
                ReplayEnd.with {
                    $0.requestID = requestID
                    $0.count = count
                    $0.code = code
                    $0.reason = reason
                }), to: routingID, now: now)
    }
}
