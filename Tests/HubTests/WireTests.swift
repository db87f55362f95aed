import Foundation
import HubCore
import HubProtocol
import Synchronization
import Testing
import ZeroMQ

@testable import Hub

/// The wire (the thread that owns the hub's socket) over real TCP sockets, without a hub: what the
/// loop sends reaches each connection whole and in order however full its queue gets, the loop sees a
/// stalled connection as full and a vanished one as gone, and reading pauses and resumes.
@Suite("The wire: the socket on its own thread", .serialized)
struct WireTests {
    /// A ROUTER as the hub sets it up, run by a wire, and DEALERs that name themselves.
    final class Bench {
        let context: Context
        let wire: Wire
        let endpoint: String

        init(readLimit: Int = 1000) throws {
            context = try Context()
            let router = try Socket(context, type: .router)
            try router.set(.routerMandatory, true)
            try router.set(.sendHighWaterMark, 2)
            endpoint = try router.bind("tcp://127.0.0.1:*")
            wire = try Wire(
                socket: router, readLimit: readLimit, allowlist: Allowlist([:]), counters: HubCounters(),
                views: NoViews())
        }

        func dealer(_ name: String) throws -> Socket {
            let socket = try Socket(context, type: .dealer)
            try socket.set(.routingID, Data(name.utf8))
            try socket.set(.receiveHighWaterMark, 2)
            try socket.connect(endpoint)
            return socket
        }

        /// Takes what arrived until `enough` says so, at most 30 s.
        func take(into sender: WireSender? = nil, until enough: ([DecodedInbound]) -> Bool) -> [DecodedInbound] {
            var messages: [DecodedInbound] = []
            let deadline = ContinuousClock.now + .seconds(30)
            while !enough(messages), ContinuousClock.now < deadline {
                let arrivals = wire.take()
                sender?.settle(arrivals)
                messages += arrivals.messages
                if arrivals.messages.isEmpty { Thread.sleep(forTimeInterval: 0.002) }
            }
            return messages
        }
    }

    final class NoViews: ViewAnswers {
        let answersWaiting: LoopControl
        init() { answersWaiting = try! LoopControl() }
        func takeAnswers() -> [Message] { [] }
    }

    static func ack(_ sequence: UInt64) -> Message {
        Message(WireCodec.encode(.ack(Ack.with { $0.sequence = sequence })))
    }

    static func deliver(_ index: Int, bytes: Int) -> Command {
        var payload = Data("\(index)|".utf8)
        payload.append(Data(repeating: UInt8(index % 251), count: bytes))
        return .deliver(StoredEnvelope(bytes: payload))
    }

    static func index(of message: Message) throws -> Int? {
        guard case .deliver(let item) = try WireCodec.decode(message.frames),
            let bar = item.bytes.firstIndex(of: UInt8(ascii: "|"))
        else { return nil }
        return Int(String(decoding: item.bytes[..<bar], as: UTF8.self))
    }

    @Test("a stalled reader's connection fills and reads as full; others are served; it gets all, in order; then gone")
    func fullConnection() throws {
        let bench = try Bench()
        defer { bench.wire.stop() }
        let sender = WireSender(bench.wire, pendingLimit: 1 << 20)
        let slow = try bench.dealer("slow")
        let fast = try bench.dealer("fast")
        try slow.send(Self.ack(1))
        try fast.send(Self.ack(1))
        #expect(bench.take(into: sender) { $0.count == 2 }.count == 2)

        // The slow reader reads nothing: 100 kB deliveries fill the kernel's buffers, ZeroMQ's queue,
        // then what the wire keeps, until the sender sees the connection as full.
        let slowID = Data("slow".utf8)
        let fastID = Data("fast".utf8)
        var sentToSlow = 0
        var fastReceived: [Int] = []
        var outcome = SendOutcome.sent
        let deadline = ContinuousClock.now + .seconds(60)
        while outcome == .sent, sentToSlow < 5000, ContinuousClock.now < deadline {
            outcome = sender.send(Self.deliver(sentToSlow, bytes: 100_000), to: slowID)
            if outcome == .sent { sentToSlow += 1 }
            #expect(sender.send(Self.deliver(fastReceived.count, bytes: 10), to: fastID) == .sent)
            sender.flush()
            let message = try #require(try fast.receive(timeout: .seconds(10)))
            fastReceived.append(try #require(try Self.index(of: message)))
            sender.settle(bench.wire.take())
        }
        #expect(outcome == .full, "\(sentToSlow) deliveries sent to a reader that reads nothing")
        #expect(fastReceived == Array(0..<fastReceived.count))

        // Once it reads, it gets every delivery handed over, in order, and reads as open again.
        var slowReceived: [Int] = []
        while slowReceived.count < sentToSlow, let message = try slow.receive(timeout: .seconds(10)) {
            slowReceived.append(try #require(try Self.index(of: message)))
        }
        #expect(slowReceived == Array(0..<sentToSlow))
        var reopened = SendOutcome.full
        let reopening = ContinuousClock.now + .seconds(30)
        while reopened == .full, ContinuousClock.now < reopening {
            sender.settle(bench.wire.take())
            reopened = sender.send(Self.deliver(sentToSlow, bytes: 10), to: slowID)
            if reopened == .full { Thread.sleep(forTimeInterval: 0.01) }
        }
        #expect(reopened == .sent)

        // It leaves: the wire finds it gone, and the sender says so, until it is heard again.
        slow.close()
        var gone = false
        let leaving = ContinuousClock.now + .seconds(30)
        while !gone, ContinuousClock.now < leaving {
            gone = sender.send(Self.deliver(0, bytes: 10), to: slowID) == .gone
            sender.flush()
            Thread.sleep(forTimeInterval: 0.01)
            sender.settle(bench.wire.take())
        }
        #expect(gone)
    }

    @Test("reading pauses with a batch waiting for the loop and resumes when it takes it: all arrive, in order")
    func readingPauses() throws {
        let bench = try Bench(readLimit: 100)
        defer { bench.wire.stop() }
        let node = try bench.dealer("node")
        for sequence in 1...1000 { try node.send(Self.ack(UInt64(sequence))) }
        var largest = 0
        var sequences: [UInt64] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while sequences.count < 1000, ContinuousClock.now < deadline {
            let arrivals = bench.wire.take()
            largest = max(largest, arrivals.messages.count)
            for message in arrivals.messages {
                guard case .success(.ack(let ack)) = message.command else { continue }
                sequences.append(ack.sequence)
            }
            // Slower than the node, so reading has to pause.
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(sequences == Array(1...1000))
        #expect(largest <= 100)
    }
}
