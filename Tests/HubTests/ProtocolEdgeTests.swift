import Coordination
import EventLog
import Foundation
import Hub
import HubNode
import HubProtocol
import Logging
import Testing
import ZeroMQ

/// A bare DEALER speaking the wire protocol by hand, as a third-party node would.
final class RawClient {
    let context: Context
    let socket: Socket

    init(
        _ network: TestNetwork, as nodeID: String?, keys: CurveKeyPair? = nil, receiveHighWaterMark: Int32? = nil
    ) throws {
        context = try Context()
        socket = try Socket(context, type: .dealer)
        if let receiveHighWaterMark { try socket.set(.receiveHighWaterMark, receiveHighWaterMark) }
        if let nodeID {
            try socket.makeCurveClient(keyPair: keys ?? network.keys[nodeID]!, serverKey: network.hubKeys.publicKey)
        }
        try socket.connect(network.endpoint)
    }

    func send(_ command: Command) throws { try socket.send(Message(WireCodec.encode(command))) }
    func send(frames: [Data]) throws { try socket.send(Message(frames)) }

    func receive(timeout: Duration = .seconds(5)) throws -> Command? {
        guard let message = try socket.receive(timeout: timeout) else { return nil }
        return try WireCodec.decode(message.frames)
    }

    /// Receives until `match` answers non-nil, skipping heartbeats and anything else.
    func first<T>(within timeout: Duration = .seconds(5), _ match: (Command) -> T?) throws -> T? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let command = try receive(timeout: deadline - .now) else { return nil }
            if let value = match(command) { return value }
        }
        return nil
    }

    /// The sequences delivered until the hub has been quiet for half a second (at most 20 s).
    /// The deliveries that arrive: at least `expected` are waited for (20 s at most; a loaded machine
    /// may be slow), then any more that come within a quiet second.
    func deliveries(expected: Int = 0) throws -> [UInt64] {
        var sequences: [UInt64] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let wait: Duration = sequences.count < expected ? .milliseconds(250) : .seconds(1)
            guard let command = try receive(timeout: wait) else {
                if sequences.count < expected { continue }
                break
            }
            if case .deliver(let stored) = command { sequences.append(try stored.decoded().sequence) }
        }
        return sequences
    }

    func hello(_ nodeID: String, lastSeen: UInt64 = 0) throws -> Welcome? {
        try send(
            .hello(
                Hello.with {
                    $0.protocolMajor = 1
                    $0.nodeID = nodeID
                    $0.lastSequenceSeen = lastSeen
                }))
        return try first { if case .welcome(let w) = $0 { w } else { nil } }
    }
}

@Suite("The wire protocol's edges, through the real hub", .serialized)
struct ProtocolEdgeTests {
    @Test("a node that never acknowledges holds at most its credit window in flight")
    func creditWindow() async throws {
        let network = try TestNetwork()
        network.creditWindow = 16
        // The raw client sends no heartbeats: a liveness longer than any loaded run keeps its session.
        network.heartbeatLiveness = 600
        try network.startHub()
        let silent = try RawClient(network, as: "commerce-bureau")
        let welcome = try #require(try silent.hello("commerce-bureau"))
        #expect(welcome.creditWindow == 16)

        let huli = try await network.node("huli")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 { group.addTask { _ = try await huli.submit(Make.report("unacknowledged \(index)")) } }
            try await group.waitForAll()
        }

        // Connected (a long liveness keeps its session) but never acknowledging.
        let delivered = try silent.deliveries(expected: 16)
        #expect(delivered.count == 16)
        #expect(delivered == delivered.sorted())

        // Acknowledging opens the window again, from where it stopped.
        let last = try #require(delivered.last)
        try silent.send(.ack(Ack.with { $0.sequence = last }))
        let next = try silent.deliveries(expected: 16)
        #expect(next.count == 16)
        #expect(try #require(next.first) > last)
        await huli.close()
        await network.stopHub()
    }

    @Test("HELLO naming another node is refused; commands before HELLO get NO_SESSION")
    func identity() async throws {
        let network = try TestNetwork()
        let logged = Locked<[String]>([])
        network.logger = Logger(label: "hub") { _ in EscapingLogHandler(wrapping: CapturingLogHandler(lines: logged)) }
        try network.startHub()
        let impostor = try RawClient(network, as: "huli")
        try impostor.send(
            .hello(
                Hello.with {
                    $0.protocolMajor = 1
                    $0.nodeID = "xm-dongdu"
                }))
        let refusal = try impostor.first { if case .error(let e) = $0 { e } else { nil } }
        #expect(refusal?.code == .identityMismatch)

        // A node id with a newline cannot forge a log line (issue 13, defect 10).
        let forger = try RawClient(network, as: "siming")
        try forger.send(
            .hello(
                Hello.with {
                    $0.protocolMajor = 1
                    $0.nodeID = "siming\nFORGED hub stopped"
                }))
        _ = try forger.first { if case .error(let e) = $0 { e } else { nil } }
        let lines = logged.value
        #expect(lines.contains { $0.contains("siming\\nFORGED hub stopped") }, "\(lines)")
        #expect(!lines.contains { $0.contains("\n") }, "\(lines)")

        // Another major version in HELLO: ERROR UNSUPPORTED_VERSION, then CLOSE.
        let future = try RawClient(network, as: "haicang")
        try future.send(
            .hello(
                Hello.with {
                    $0.protocolMajor = 2
                    $0.nodeID = "haicang"
                }))
        let unsupported = try future.first { if case .error(let e) = $0 { e } else { nil } }
        #expect(unsupported?.code == .unsupportedVersion)
        #expect(try future.first { if case .close(let c) = $0 { c } else { nil } } != nil)

        let early = try RawClient(network, as: "siming")
        try early.send(.submit(Make.report("too early")))
        let noSession = try early.first { if case .error(let e) = $0 { e } else { nil } }
        #expect(noSession?.code == .noSession)
        #expect(
            try network.store().records(matching: RecordFilter(), after: 0, limit: 100).allSatisfy {
                $0.fields.sender != "siming"
            })
        await network.stopHub()
    }

    @Test("a reload that removes a key ends its open session at once; its connection is heard no more (promise 12)")
    func revocation() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let old = try RawClient(network, as: "huli")
        _ = try #require(try old.hello("huli"))
        let replacement = try CurveKeyPair.generate()
        var keys = Dictionary(uniqueKeysWithValues: network.keys.map { ($0.value.publicKey, $0.key) })
        keys[network.keys["huli"]!.publicKey] = nil
        keys[replacement.publicKey] = "huli"
        // A unit the running topology does not have is not half-admitted by a reload (issue 13, defect 11).
        let newcomer = try CurveKeyPair.generate()
        keys[newcomer.publicKey] = "newcomer"
        #expect(network.hub!.reloadAllowlist(keys) == ["newcomer"])

        // Without sending anything, the old connection is told and closed.
        let closed = try old.first { if case .close(let close) = $0 { close.reason } else { nil } }
        #expect(closed == "key revoked")
        try old.send(.submit(Make.report("after revocation", id: "revoked-1")))
        #expect(try old.first(within: .seconds(1)) { if case .accepted(let a) = $0 { a } else { nil } } == nil)
        let records = try network.store().records(matching: RecordFilter(), after: 0, limit: 100).map(\.fields)
        #expect(!records.contains { $0.messageID == "revoked-1" })
        #expect(try network.truth().requests.isEmpty)

        // The new key opens a session; the newcomer's key gets none.
        let fresh = try RawClient(network, as: "huli", keys: replacement)
        #expect(try fresh.hello("huli") != nil)
        let stranger = try RawClient(network, as: "huli", keys: newcomer)
        #expect(try stranger.hello("newcomer") == nil)
        #expect(
            try network.store().records(matching: RecordFilter(), after: 0, limit: 100).allSatisfy {
                $0.fields.sender != "newcomer"
            })
        await network.stopHub()
    }

    @Test("the sender is the key's node, whatever the envelope claims")
    func senderStamped() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let huli = try RawClient(network, as: "huli")
        _ = try #require(try huli.hello("huli"))
        var forged = Make.report("forged", id: "forged-1")
        forged.sender = "xm-dongdu"
        forged.sequence = 999
        try huli.send(.submit(forged))
        let accepted = try #require(try huli.first { if case .accepted(let a) = $0 { a } else { nil } })
        let record = try #require(
            try network.store().records(matching: RecordFilter(), after: accepted.sequence - 1, limit: 1).first)
        let stored = try Envelope(serializedBytes: record.envelope)
        #expect(stored.sender == "huli")
        #expect(stored.sequence == accepted.sequence)
        await network.stopHub()
    }

    @Test("bad input gets its stated error, and the hub keeps serving another node")
    func badInput() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let bad = try RawClient(network, as: "siming")
        _ = try #require(try bad.hello("siming"))
        let good = try await network.node("huli")

        func expectError(_ frames: [Data], _ code: ErrorCode) throws {
            try bad.send(frames: frames)
            let error = try bad.first { if case .error(let e) = $0 { e } else { nil } }
            #expect(error?.code == code, "\(frames.map(\.count))")
        }
        let signature = ProtocolVersion.signature
        try expectError([signature], .malformedFrames)
        try expectError([signature, Data([3]), Data(), Data("extra".utf8)], .malformedFrames)
        try expectError([signature, Data([3, 3])], .malformedFrames)
        try expectError([Data("MDPC02".utf8), Data([8])], .badSignature)
        try expectError([Data("AEOH".utf8) + Data([2, 0]), Data([8])], .unsupportedVersion)
        try expectError([signature, Data([0x7F])], .unknownCommand)
        try expectError([signature, Data([3]), Data([0xFF, 0xFF, 0xFF])], .undecodable)
        try expectError([signature, Data([3]), Data(count: ProtocolLimits.maxEnvelopeBytes + 1)], .tooLarge)

        // Field validation, authorisation and workflow rules answer REJECTED with a reason.
        func expectRejected(_ envelope: Envelope, _ code: ErrorCode, _ contains: String) throws {
            try bad.send(.submit(envelope))
            let rejected = try bad.first { if case .rejected(let r) = $0 { r } else { nil } }
            #expect(rejected?.code == code)
            #expect(rejected?.reason.contains(contains) == true, "\(rejected?.reason ?? "no answer")")
        }
        var badUSCC = Make.request("REQ-X", area: "350203")
        badUSCC.messageID = "b1"
        badUSCC.requestFiled.enterprise.uscc = "91350100M000100Y4Z"
        try expectRejected(badUSCC, .invalidField, "'Z' at position 18 is not a valid character")
        var notMine = Make.request("REQ-Y", area: "350206")
        notMine.messageID = "b2"
        try expectRejected(notMine, .notAuthorised, "only for its own area 350203")
        try expectRejected(
            Envelope.with {
                $0.messageID = "b3"
                $0.caseOpened = CaseOpened.with {
                    $0.caseID = "C9"
                    $0.enterprise = Enterprise.with {
                        $0.uscc = Make.uscc
                        $0.name = "X"
                    }
                    $0.applicationReceived = "2026-09-01"
                }
            }, .notAuthorised, "only customs units may send it")
        try expectRejected(
            Envelope.with {
                $0.messageID = "b4"
                $0.requestWithdrawn = RequestWithdrawn.with { $0.requestID = "NOPE" }
            }, .workflowViolation, "there is no request NOPE")
        try expectRejected(Make.report("to a stranger", id: "b5", to: ["nobody-here"]), .unknownRecipient, "not a unit")

        // Meanwhile the other node is served as usual.
        let accepted = try await good.submit(Make.report("still served"))
        #expect(accepted.sequence > 0)
        #expect(network.hub!.counters.snapshot["protocol_errors"]! >= 6)
        await good.close()
        await network.stopHub()
    }

    @Test(
        """
        a flooding node is answered RATE_LIMITED beyond its allowance while another node is served; nothing accepted \
        is lost
        """
    )
    func flood() async throws {
        let network = try TestNetwork()
        network.rateLimit = RateLimit(perSecond: 100, burst: 200)
        try network.startHub()
        let flooder = try RawClient(network, as: "siming")
        _ = try #require(try flooder.hello("siming"))
        let good = try await network.node("huli")
        let steady = Task {
            var sequences: [UInt64] = []
            for index in 0..<20 {
                sequences.append(try await good.submit(Make.report("steady \(index)")).sequence)
                try await Task.sleep(for: .milliseconds(20))
            }
            return sequences
        }
        let total = 1000
        for index in 0..<total { try flooder.send(.submit(Make.report("flood \(index)", id: "f\(index)"))) }
        var accepted = Set<String>()
        var limited = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while accepted.count + limited < total, ContinuousClock.now < deadline {
            guard let answer = try flooder.receive(timeout: .seconds(5)) else { break }
            switch answer {
            case .accepted(let a): accepted.insert(a.messageID)
            case .rejected(let r):
                #expect(r.code == .rateLimited)
                #expect(r.reason.contains("retry later with the same message id"))
                limited += 1
            default: break
            }
        }
        #expect(accepted.count + limited == total)
        #expect(limited > total / 2, "\(limited) of \(total) limited")
        #expect(accepted.count >= 200)
        let steadySequences = try await steady.value
        #expect(steadySequences.count == 20)
        #expect(network.hub!.counters.snapshot["rate_limited"] == limited)

        // HELLOs count too: a burst of them past the allowance opens no new sessions, and each is
        // answered, WELCOME or ERROR RATE_LIMITED (SPEC 4.1).
        for _ in 0..<400 {
            try flooder.send(
                .hello(
                    Hello.with {
                        $0.protocolMajor = 1
                        $0.nodeID = "siming"
                    }))
        }
        var welcomes = 0
        var limitedHellos = 0
        while let answer = try flooder.receive(timeout: .milliseconds(500)) {
            if case .welcome = answer { welcomes += 1 }
            if case .error(let error) = answer, error.code == .rateLimited, error.command == 1 { limitedHellos += 1 }
        }
        #expect(welcomes > 0 && welcomes < 300, "\(welcomes) WELCOMEs for 400 HELLOs with a burst of 200")
        #expect(
            welcomes + limitedHellos == 400, "\(welcomes) WELCOMEs and \(limitedHellos) RATE_LIMITED for 400 HELLOs")

        // What was accepted is in the log once; what was limited is not.
        let store = try network.store()
        let fromFlooder = try store.records(matching: RecordFilter(), after: 0, limit: 10_000).map(\.fields).filter {
            $0.sender == "siming"
        }
        #expect(Set(fromFlooder.map(\.messageID)) == accepted)
        await good.close()
        await network.stopHub()
    }

    @Test("an unknown key and a plaintext client get no session and write nothing")
    func strangers() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let stranger = try RawClient(network, as: "huli", keys: try CurveKeyPair.generate())
        try stranger.send(
            .hello(
                Hello.with {
                    $0.protocolMajor = 1
                    $0.nodeID = "huli"
                }))
        #expect(try stranger.receive(timeout: .milliseconds(500)) == nil)
        let plaintext = try RawClient(network, as: nil)
        try plaintext.send(
            .hello(
                Hello.with {
                    $0.protocolMajor = 1
                    $0.nodeID = "huli"
                }))
        #expect(try plaintext.receive(timeout: .milliseconds(500)) == nil)
        #expect(try network.store().head().sequence == 0)
        await network.stopHub()
    }
}
