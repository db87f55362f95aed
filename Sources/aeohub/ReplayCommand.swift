import ArgumentParser
import Foundation
import Hub
import HubNode
import HubProtocol
import Logging
import Operations
import ZeroMQ

/// The options every command that talks to the hub shares: who this node is and where the hub is.
struct NodeOptions: ParsableArguments {
    @Option(help: "The topology file (hub endpoint and key). Env: AEOHUB_TOPOLOGY.")
    var topology: String?

    @Option(help: "This node's id. Env: AEOHUB_NODE.")
    var node: String?

    @Option(help: "This node's secret key file. Env: AEOHUB_KEY.")
    var key: String?

    func connect() async throws -> HubNode {
        let environment = ProcessInfo.processInfo.environment
        guard let topologyPath = topology ?? environment["AEOHUB_TOPOLOGY"] else { throw ValidationError("give --topology or set AEOHUB_TOPOLOGY") }
        guard let nodeID = node ?? environment["AEOHUB_NODE"] else { throw ValidationError("give --node or set AEOHUB_NODE") }
        guard let keyPath = key ?? environment["AEOHUB_KEY"] else { throw ValidationError("give --key or set AEOHUB_KEY") }
        let file = try TopologyFile.load(path: topologyPath)
        let pair = try CurveKeyPair(secretKey: try KeyFiles.readKey(keyPath))
        var logger = Logger(label: "aeohub.node")
        logger.logLevel = .error
        let node = try HubNode(configuration: NodeConfiguration(nodeID: nodeID, endpoint: file.endpoint, hubKey: file.hubPublicKey, keyPair: pair), logger: logger)
        try await node.start(timeout: .seconds(5))
        return node
    }
}

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay the log: a meeting, an enterprise, a case, a type, a node or a time range."
    )

    @OptionGroup var connection: NodeOptions
    @Option(help: "A meeting id.") var meeting: String?
    @Option(help: "An enterprise's USCC.") var uscc: String?
    @Option(name: .customLong("case"), help: "A certification case id.") var caseID: String?
    @Option(help: "Message types (repeatable), e.g. minutes_entry.") var type: [String] = []
    @Option(help: "Records sent by or delivered to this node.") var from: String?
    @Option(help: "Only records from this sequence on.") var after: UInt64 = 0
    @Option(help: "Output: text, markdown or jsonl.") var format: String = "text"

    func run() async throws {
        let node = try await connection.connect()
        defer { Task { await node.close() } }
        let request = ReplayRequest.with {
            $0.meetingID = meeting ?? ""
            $0.uscc = uscc ?? ""
            $0.caseID = caseID ?? ""
            $0.types = type
            $0.nodeID = from ?? ""
            $0.fromSequence = after
        }
        let items = try await node.replay(request)
        if format == "markdown" { print("| # | time | sender | type | what |\n|---|---|---|---|---|") }
        for stored in items {
            let envelope = try stored.decoded()
            switch format {
            case "jsonl": print(try envelope.jsonString())
            case "markdown":
                print("| \(envelope.sequence) | \(EnvelopeText.timestamp(envelope.acceptedAtMs)) | \(envelope.sender) | \(envelope.messageType?.rawValue ?? "?") | \(EnvelopeText.summary(envelope).replacingOccurrences(of: "|", with: "/")) |")
            default: print(EnvelopeText.line(envelope))
            }
        }
        await node.close()
    }
}
