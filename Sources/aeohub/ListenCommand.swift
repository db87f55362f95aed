import ArgumentParser
import Foundation
import HubNode
import HubProtocol
import Reports
import ServiceLifecycle
import Synchronization

/// The node daemon: receives what the hub delivers to this unit and appends it to an inbox file
/// (JSON lines) for the unit's own systems, exactly once even across a kill -9.
struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Run as this unit's node: append every delivery to an inbox file (JSON lines), once each, in order.",
        discussion: """
            Each line is one stored envelope in the JSON mapping of Protocols/json/README.md (as replay --format \
            jsonl prints it). A delivery is acknowledged only after its line is on disk (fsync). \
            After a crash, deliveries already in the inbox are acknowledged \
            again without a second line, so every sequence appears once.
            """
    )

    @OptionGroup var connection: NodeOptions

    @Option(help: "The inbox file (created if missing).")
    var inbox: String

    @Option(
        help: ArgumentHelp(
            "Folder of the node's state file from earlier versions, read at start (the inbox now records the "
                + "last handled delivery). Default: the inbox's folder."))
    var state: String?

    @Flag(
        help: ArgumentHelp(
            "Also print one line per delivery for people (who, what, which entity); under systemd it goes to the "
                + "journal.")
    )
    var notify = false

    @OptionGroup var languageOptions: LanguageOptions

    @Option(help: .hidden)
    var drillDelayMs: Int = 0

    /// At most this many deliveries per fsync (the benchmark sets 1 to time an fsync per delivery);
    /// 512, or 1 with a drill delay, when not given.
    @Option(help: .hidden)
    var batchLimit: Int?

    func run() async throws {
        let inboxURL = URL(fileURLWithPath: inbox)
        let writer = try InboxWriter(path: inbox)
        // The inbox records each delivery's sequence, fsynced before it counts as handled: it is what
        // keeps each delivery once, so the node keeps no state file beside it (one fsync per batch).
        let session = try await connection.connect(
            stateDirectory: state ?? inboxURL.deletingLastPathComponent().path, waitForHub: true, transient: false,
            lastHandledByApplication: writer.lastSequence)
        let node = session.node
        FileHandle.standardError.write(
            Data(
                "listening as \(session.nodeID); inbox \(inbox) has \(writer.lastSequence) as its last delivery\n".utf8)
        )
        // SIGTERM or SIGINT ends the wait for deliveries; the one being written is finished first.
        let group = ServiceGroup(
            services: [
                InboxService(
                    node: node, writer: writer, notify: notify ? languageOptions.language : nil, delay: drillDelayMs,
                    batchLimit: max(1, batchLimit ?? (drillDelayMs > 0 ? 1 : 512)))
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: .init(label: "aeohub.listen")
        )
        try await group.run()
        await node.close()
    }
}

/// Hands the node's deliveries to the inbox until a graceful shutdown.
private struct InboxService: Service {
    let node: HubNode
    let writer: InboxWriter
    /// The language of a line per delivery for people; none without `--notify`.
    let notify: Language?
    let delay: Int
    let batchLimit: Int

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            // One fsync per batch of what has arrived, not per delivery.
            try await node.handleDeliveryBatches(limit: batchLimit) { batch in
                let written = try writer.append(batch)
                // The drills pause after a batch is durable and before it counts as handled: a kill
                // there leaves a batch the hub delivers again and the inbox must not write twice.
                if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
                guard let notify else { return }
                for delivery in written {
                    FileHandle.standardOutput.write(
                        Data((EnvelopeText.line(delivery.envelope, language: notify) + "\n").utf8))
                }
            }
        }
    }
}

/// Appends deliveries to a JSON-lines file, fsynced before they count as handled, skipping
/// sequences the file already has (a redelivery after a crash).
final class InboxWriter: Sendable {
    private let handle: FileHandle
    private let last: Mutex<UInt64>

    var lastSequence: UInt64 { last.withLock { $0 } }

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        // Only the tail matters: the last complete line (a line is under 2 MiB, as a message is
        // under 1 MiB) and what follows it.
        let size = try handle.seekToEnd()
        let tailStart = size > Self.tailBytes ? size - Self.tailBytes : 0
        try handle.seek(toOffset: tailStart)
        let tail = try handle.readToEnd() ?? Data()
        // A line cut by a crash (no newline yet) was never acknowledged: drop it.
        let complete = tail.lastIndex(of: UInt8(ascii: "\n")).map { tail.prefix(through: $0) } ?? Data()
        var lastSequence: UInt64 = 0
        if let line = complete.dropLast().split(separator: UInt8(ascii: "\n")).last,
            let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
        {
            lastSequence = (object["sequence"] as? NSNumber)?.uint64Value ?? 0
        }
        try handle.truncate(atOffset: tailStart + UInt64(complete.count))
        // Lines a crash left in the page cache were never synced: sync them before they count.
        try handle.synchronize()
        try handle.seekToEnd()
        last = Mutex(lastSequence)
    }

    private static let tailBytes: UInt64 = 2 << 20

    /// Appends the deliveries the inbox does not have yet, with one fsync for all of them; answers
    /// those that were new.
    @discardableResult
    func append(_ batch: [HubNode.Delivery]) throws -> [HubNode.Delivery] {
        let known = lastSequence
        let new = batch.filter { $0.sequence > known }
        guard let newest = new.last else { return [] }
        var data = Data()
        for delivery in new {
            // The same JSON mapping as replay's lines (Protocols/json/README.md).
            data.append(contentsOf: Data(try EnvelopeJSON.line(delivery.envelope).utf8))
            data.append(UInt8(ascii: "\n"))
        }
        try handle.write(contentsOf: data)
        try handle.synchronize()
        last.withLock { $0 = newest.sequence }
        return new
    }
}
