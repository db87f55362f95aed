import ArgumentParser
import Coordination
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

    @Option(help: "A file with topology, node and key (YAML), used for what flags and environment leave out. Env: AEOHUB_CONFIG.")
    var config: String?

    @Option(help: "Seconds to wait for the hub.")
    var timeout: Int = 10

    /// Opens a session as this node; `stateDirectory` keeps the last handled delivery across runs.
    /// A daemon passes `waitForHub`: a hub that is down or still starting (it checks its whole log
    /// first) is waited for instead of being an error.
    /// A command's session is `transient` (the hub records no presence for it); a daemon's is not.
    func connect(stateDirectory: String? = nil, waitForHub: Bool = false, transient: Bool = true) async throws -> NodeSession {
        let environment = ProcessInfo.processInfo.environment
        let profile = try (config ?? environment["AEOHUB_CONFIG"]).map(NodeProfile.load(path:))
        guard let topologyPath = topology ?? environment["AEOHUB_TOPOLOGY"] ?? profile?.topology else {
            throw ValidationError("give --topology, set AEOHUB_TOPOLOGY, or name it in a --config file")
        }
        guard let nodeID = node ?? environment["AEOHUB_NODE"] ?? profile?.node else {
            throw ValidationError("give --node, set AEOHUB_NODE, or name it in a --config file")
        }
        guard let keyPath = key ?? environment["AEOHUB_KEY"] ?? profile?.key else {
            throw ValidationError("give --key, set AEOHUB_KEY, or name it in a --config file")
        }
        let file = try TopologyFile.load(path: topologyPath)
        guard file.topology.units[nodeID] != nil else {
            throw ValidationError("'\(nodeID)' is not a unit in \(topologyPath); use one of \(file.topology.units.keys.sorted().joined(separator: ", "))")
        }
        let pair = try CurveKeyPair(secretKey: try KeyFiles.readKey(keyPath))
        if let registered = file.unitKeys[nodeID], registered != pair.publicKey {
            throw ValidationError("\(keyPath) is not \(nodeID)'s key: its public key differs from the one in \(topologyPath)")
        }
        var logger = Logger(label: "aeohub.node")
        logger.logLevel = .error
        var configuration = NodeConfiguration(nodeID: nodeID, endpoint: file.endpoint, hubKey: file.hubPublicKey, keyPair: pair, stateDirectory: stateDirectory)
        configuration.retryInterval = .milliseconds(500)
        configuration.transient = transient
        let node = try HubNode(configuration: configuration, logger: logger)
        do {
            while true {
                do {
                    try await node.start(timeout: .seconds(timeout))
                    break
                } catch NodeError.sessionRefused(let why) where waitForHub {
                    FileHandle.standardError.write(Data("no session with the hub at \(file.endpoint) yet (\(why)); still trying\n".utf8))
                }
            }
        } catch {
            await node.close()
            throw CommandFailure("cannot open a session with the hub at \(file.endpoint) as \(nodeID) (\(error)); is the hub running, and is this key's public half registered for \(nodeID) in the hub's topology?")
        }
        return NodeSession(node: node, file: file, nodeID: nodeID, timeout: .seconds(timeout))
    }
}

extension CivilDate {
    /// Today in Xiamen.
    static var today: CivilDate { CivilDate(chinaTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000)) }
}

/// A failure the command reports in one sentence (ArgumentParser prints it as "Error: ...").
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An open session of this process's node with the hub.
struct NodeSession {
    let node: HubNode
    let file: TopologyFile
    let nodeID: String
    let timeout: Duration

    var topology: Topology { file.topology }

    func close() async { await node.close() }
}

/// Output options shared by the listings.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func print(_ table: Table) throws {
        Swift.print(json ? try table.json() : table.render())
    }
}

/// The options of every command that sends one message.
struct SubmitOptions: ParsableArguments {
    @OptionGroup var connection: NodeOptions

    @Option(help: "The message id; give the id a timed-out attempt printed to retry it safely.")
    var messageID: String?

    @Flag(help: "Print the hub's answer as JSON.")
    var json = false
}

/// A command that sends one message as this node and prints the hub's answer.
protocol SubmitCommand: AsyncParsableCommand {
    var submission: SubmitOptions { get }
    /// The envelope to send; `node` is the sender's id.
    func envelope(node: String) throws -> Envelope
}

extension SubmitCommand {
    func run() async throws {
        let session = try await submission.connection.connect()
        var envelope = try envelope(node: session.nodeID)
        envelope.messageID = submission.messageID ?? UUID().uuidString.lowercased()
        do {
            // The same check the hub makes, so a typo is explained before anything is sent.
            let warnings = try EnvelopeValidator.validate(envelope)
            for warning in warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        } catch {
            await session.close()
            throw CommandFailure("\(error.field): \(error.reason)")
        }
        let accepted: Accepted
        do {
            accepted = try await session.node.submit(envelope, deadline: session.timeout)
        } catch let NodeError.rejected(code, reason, field) {
            await session.close()
            throw CommandFailure("the hub refused \(envelope.messageType?.rawValue ?? "the message") (\(code))\(field.isEmpty ? "" : ", \(field)"): \(reason)")
        } catch NodeError.timedOut {
            await session.close()
            throw CommandFailure("no answer from the hub in time; it may still accept the message. Retry with --message-id \(envelope.messageID)")
        }
        await session.close()
        let type = envelope.messageType?.rawValue ?? "message"
        if submission.json {
            let answer: [String: String] = [
                "type": type, "message_id": accepted.messageID, "sequence": "\(accepted.sequence)",
                "accepted_at": EnvelopeText.timestamp(accepted.acceptedAtMs), "duplicate": "\(accepted.duplicate)",
            ]
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(answer), as: UTF8.self))
        } else {
            print("accepted: \(type) #\(accepted.sequence) at \(EnvelopeText.timestamp(accepted.acceptedAtMs))\(accepted.duplicate ? " (already accepted earlier)" : "")")
        }
    }
}

/// A command that prints one listing: a view the hub computes from the one state, as this node may
/// see it (SPEC.md 4.7).
protocol ListingCommand: AsyncParsableCommand {
    var connection: NodeOptions { get }
    var output: OutputOptions { get }
    /// The view to ask for.
    var viewKind: ViewKind { get }
    func table(_ listings: Listings) -> Table
}

extension ListingCommand {
    func run() async throws {
        let session = try await connection.connect()
        let view: View
        do {
            view = try await session.node.view(ViewRequest.with { $0.kind = viewKind }, deadline: session.timeout)
        } catch {
            await session.close()
            throw CommandFailure("cannot read the view from the hub: \(error)")
        }
        await session.close()
        let today = CivilDate.today
        try output.print(table(Listings(view: view, today: today, serviceDays: session.topology.requestServiceDays)))
    }
}
