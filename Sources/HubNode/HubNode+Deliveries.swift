import Foundation
import HubProtocol
import ZeroMQ

// Deliveries to the application: one at a time, or in batches with one acknowledgement each.
extension HubNode {
    /// Hands each delivery to `handler`, in sequence order, once; acknowledges it after `handler`
    /// returns. Returns when the node is closed. Call once (this or ``handleDeliveryBatches(limit:_:)``).
    public nonisolated func handleDeliveries(_ handler: @Sendable (Delivery) async throws -> Void) async throws {
        try await handleDeliveryBatches(limit: 1) { batch in
            for delivery in batch { try await handler(delivery) }
        }
    }

    /// Hands the deliveries to `handler` in batches: whatever has arrived since the previous batch
    /// (at most `limit`), in sequence order, each once; after `handler` returns, the node records the
    /// batch's last sequence as handled and acknowledges it (one ACK covers the batch). So an
    /// application that makes its effect durable once per batch (one fsync) keeps exactly-once
    /// handling at the cost of one sync per burst, not per delivery. Returns when the node is closed.
    public nonisolated func handleDeliveryBatches(
        limit: Int = 512, _ handler: @Sendable ([Delivery]) async throws -> Void
    ) async throws {
        for await _ in readyTicks {
            // One visit to the actor per batch: it records the previous batch as handled (and
            // acknowledges it) and takes the next.
            var handledUpTo: UInt64?
            while true {
                let batch = await handled(upTo: handledUpTo, thenTake: limit)
                guard let last = batch.last else { break }
                do {
                    try await handler(batch)
                } catch {
                    // Not handled: the batch stays first in line for whoever handles deliveries next.
                    await putBack(batch)
                    throw error
                }
                handledUpTo = last.sequence
            }
        }
    }

    /// Records `sequence` as handled, when given, then takes the next batch of at most `limit`.
    private func handled(upTo sequence: UInt64?, thenTake limit: Int) -> [Delivery] {
        if let sequence { handled(sequence) }
        return takeReady(limit)
    }

    private func takeReady(_ limit: Int) -> [Delivery] {
        let batch = Array(ready.prefix(max(1, limit)))
        ready.removeFirst(batch.count)
        return batch
    }

    private func putBack(_ batch: [Delivery]) { ready.insert(contentsOf: batch, at: 0) }

    /// Queues a delivery for the application once; one already handled is acknowledged again.
    func deliver(_ stored: StoredEnvelope) {
        guard let envelope = try? stored.decoded() else {
            logger.error("undecodable delivery")
            return
        }
        let sequence = envelope.sequence
        if sequence <= lastHandled {
            // Already handled (a redelivery after a reconnect): acknowledge again and drop.
            send(Message(WireCodec.encode(.ack(Ack.with { $0.sequence = sequence }))))
            return
        }
        guard sequence > lastQueued else { return }
        lastQueued = sequence
        ready.append(Delivery(sequence: sequence, envelope: envelope, bytes: stored.bytes))
        readyContinuation.yield()
    }

    /// Records `sequence` as handled (on disk, when a state folder is set) and acknowledges it.
    func handled(_ sequence: UInt64) {
        guard sequence > lastHandled else { return }
        lastHandled = sequence
        if configuration.lastHandledByApplication == nil { Self.storeLastHandled(sequence, configuration) }
        send(Message(WireCodec.encode(.ack(Ack.with { $0.sequence = sequence }))))
    }
}
