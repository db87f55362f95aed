import ArgumentParser
import Coordination
import Deployment
import Foundation
import Hub
import HubNode
import HubProtocol
import Logging
import Reports
import ZeroMQ

/// The options every command that talks to the hub shares: who this node is and where the hub is.
struct NodeOptions: ParsableArguments {
    @Option(help: "The topology file (hub endpoint and key). Env: AEOHUB_TOPOLOGY.")
    var topology: String?

    @Option(help: "This node's id. Env: AEOHUB_NODE.")
    var node: String?

    @Option(help: "This node's secret key file. Env: AEOHUB_KEY.")
    var key: String?

    @Option(
        help: ArgumentHelp(
            "A file with topology, node and key (YAML), used for what flags and environment leave out. Env: "
                + "AEOHUB_CONFIG.")
    )
    var config: String?

    @Option(help: "Seconds to wait for each answer of the hub.")
    var timeout: Int = 10

    @Option(help: "Seconds to keep trying a hub that does not answer yet (restarting, or checking a large log).")
    var wait: Int = 0

    /// Who this node is: the topology, the node id and its key pair, from flags, the environment or
    /// a profile. Checked while the command line is parsed, so a mistake shows the command's usage.
    func identity() throws -> (file: TopologyFile, nodeID: String, keyPair: CurveKeyPair) {
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
            let units = file.topology.units.keys.sorted().joined(separator: ", ")
            throw ValidationError("'\(nodeID)' is not a unit in \(topologyPath); use one of \(units)")
        }
        let pair = try CurveKeyPair(secretKey: try KeyFiles.readSecretKey(keyPath))
        if let registered = file.unitKeys[nodeID], registered != pair.publicKey {
            throw ValidationError(
                "\(keyPath) is not \(nodeID)'s key: its public key differs from the one in \(topologyPath)")
        }
        return (file, nodeID, pair)
    }

    func validate() throws {
        do {
            _ = try identity()
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Opens a session as this node; `stateDirectory` keeps the last handled delivery across runs.
    /// A daemon passes `waitForHub`: a hub that is down or still starting (it checks its whole log
    /// first) is waited for instead of being an error; a command waits `--wait` seconds for it.
    /// A command's session is `transient` (the hub records no presence for it); a daemon's is not.
    /// `lastHandledByApplication`: see ``NodeConfiguration/lastHandledByApplication``.
    func connect(
        stateDirectory: String? = nil, waitForHub: Bool = false, transient: Bool = true,
        lastHandledByApplication: UInt64? = nil
    ) async throws -> NodeSession {
        let (file, nodeID, pair) = try identity()
        var logger = Logger(label: "aeohub.node")
        logger.logLevel = .error
        var configuration = NodeConfiguration(
            nodeID: nodeID, endpoint: file.endpoint, hubKey: file.hubPublicKey, keyPair: pair,
            stateDirectory: stateDirectory)
        configuration.endpoints = file.endpoints
        configuration.retryInterval = .milliseconds(500)
        configuration.transient = transient
        configuration.lastHandledByApplication = lastHandledByApplication
        let node = try HubNode(configuration: configuration, logger: logger)
        let giveUp = ContinuousClock.now + .seconds(wait)
        do {
            while true {
                do {
                    try await node.start(timeout: .seconds(timeout))
                    break
                } catch let error as NodeError where error.isTransient && (waitForHub || ContinuousClock.now < giveUp) {
                    let why = "\(error)"
                    let hub = file.endpoints.joined(separator: " or ")
                    FileHandle.standardError.write(
                        Data("no session with the hub at \(hub) yet (\(why)); still trying\n".utf8))
                }
            }
        } catch {
            await node.close()
            throw CommandFailure(error, doing: "opening a session as \(nodeID)")
        }
        return NodeSession(node: node, file: file, nodeID: nodeID, timeout: .seconds(timeout))
    }
}

extension CivilDate {
    /// Today in Xiamen.
    static var today: CivilDate { CivilDate(chinaTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000)) }
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
    @Flag(help: "Print JSON instead of a table (the same JSON in every language).")
    var json = false

    @OptionGroup var languageOptions: LanguageOptions

    /// The language of the table.
    var language: Language { languageOptions.language }

    func print(_ table: Table) throws {
        Swift.print(json ? table.json() : table.render())
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
    /// The failure as this command tells it (a hint on how its options map to the hub's fields).
    func explain(_ failure: CommandFailure) -> CommandFailure
}

extension SubmitCommand {
    func explain(_ failure: CommandFailure) -> CommandFailure { failure }

    func run() async throws {
        // The same checks the hub makes, before connecting, so a typo is explained (exit 65) even
        // when the hub is down.
        let nodeID = try submission.connection.identity().nodeID
        var envelope = try envelope(node: nodeID)
        envelope.messageID = submission.messageID ?? UUID().uuidString.lowercased()
        let type = envelope.messageType?.rawValue ?? "message"
        do {
            let warnings = try EnvelopeValidator.validate(envelope)
            for warning in warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        } catch {
            throw CommandFailure(
                .badInput, code: error.code.name, "\(error.field): \(error.reason)", field: error.field)
        }
        let session = try await submission.connection.connect()
        let accepted: Accepted
        do {
            accepted = try await session.node.submit(envelope, deadline: session.timeout)
        } catch {
            await session.close()
            throw explain(CommandFailure(error, doing: type))
        }
        await session.close()
        if submission.json {
            var fields: [String: JSONValue] = [
                "type": .string(type), "message_id": .string(accepted.messageID),
                "sequence": .int(Int64(accepted.sequence)),
                "accepted_at": .time(accepted.acceptedAtMs), "duplicate": .bool(accepted.duplicate),
            ]
            if !accepted.notes.isEmpty { fields["notes"] = .array(accepted.notes.map(JSONValue.string)) }
            print(try JSONValue.object(fields).text(pretty: false))
        } else {
            let again = accepted.duplicate ? " (already accepted earlier)" : ""
            print("accepted: \(type) #\(accepted.sequence) at \(EnvelopeText.timestamp(accepted.acceptedAtMs))\(again)")
            for note in accepted.notes { print("note: \(note)") }
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
    /// Sets the filters the hub applies (none by default).
    func filter(_ request: inout ViewRequest)
    func table(_ listings: Listings) -> Table
}

extension ListingCommand {
    func filter(_ request: inout ViewRequest) {}

    /// Prints the listing a page at a time as the pages come, so that memory holds two pages: the
    /// next page is asked for as soon as its key is known, and the hub builds it while this one is
    /// laid out and printed.
    func run() async throws {
        let session = try await connection.connect()
        let node = session.node
        let timeout = session.timeout
        let ask: @Sendable (ViewRequest) -> Task<View, any Error> = { request in
            Task { try await node.page(request, deadline: timeout) }
        }
        var request = ViewRequest.with {
            $0.kind = viewKind
            $0.pageSize = UInt32(CoordinationState.maxPageSize)
        }
        filter(&request)
        var stream = TableStream(json: output.json)
        let today = CivilDate.today
        var next: Task<View, any Error>? = ask(request)
        var doing = "reading the view"
        do {
            while let asked = next {
                doing = "reading the view"
                let page = try await asked.value
                request.afterKey = page.nextKey
                next = page.nextKey.isEmpty ? nil : ask(request)
                let listings = Listings(
                    view: page, today: today, serviceDays: session.topology.requestServiceDays,
                    language: output.language)
                doing = "printing the listing"
                try FileHandle.standardOutput.write(contentsOf: stream.text(of: table(listings)))
            }
        } catch {
            // Closing the session fails a page still asked for, which ends its task.
            await session.close()
            throw CommandFailure(error, doing: doing)
        }
        await session.close()
        try FileHandle.standardOutput.write(contentsOf: Array(stream.end().utf8))
    }
}
