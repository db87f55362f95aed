import CZeroMQ
import Foundation
import Testing

@testable import ZeroMQ

@Suite("Socket loop: errors and a bounded stream")
struct SocketLoopErrorTests {
    @Test("a message to a vanished peer is dropped alone: those before it are not sent twice, those after are sent")
    func unroutable() throws {
        let context = try Context()
        let router = try Socket(context, type: .router)
        try router.set(.routerMandatory, true)
        let endpoint = try router.bind("tcp://127.0.0.1:*")
        let peer = try Socket(context, type: .dealer)
        try peer.set(.routingID, Data("peer".utf8))
        try peer.connect(endpoint)
        try peer.send(Message(strings: ["hello"]))
        _ = try #require(try router.receive(timeout: .seconds(10)))

        var pending = [
            Message(strings: ["peer", "A"]), Message(strings: ["ghost", "B"]), Message(strings: ["peer", "C"]),
        ]
        let unroutable = try SocketLoop.sendWaiting(&pending, on: router)
        #expect(unroutable == 1)
        #expect(pending.isEmpty)
        var received: [String] = []
        while let message = try peer.receive(timeout: .milliseconds(500)) {
            received.append(String(decoding: message.frames[0], as: UTF8.self))
        }
        #expect(received == ["A", "C"])
    }

    @Test("an error other than a vanished peer ends the loop and is reported, not swallowed")
    func otherErrorsSurface() async throws {
        let context = try Context()
        // A REQ socket must receive before it sends again: the second send fails with EFSM.
        let loop = try SocketLoop(context: context, type: .request) { socket in
            try socket.connect("tcp://127.0.0.1:1")
        }
        try loop.send(Message(strings: ["first"]))
        try loop.send(Message(strings: ["second"]))
        for await _ in loop.incoming {}
        let failure = try #require(loop.failure)
        #expect(failure.code == EFSM)
        #expect(throws: SocketLoop.SendError.closed) { try loop.send(Message(strings: ["late"])) }
        loop.close()
    }

    @Test("a consumer that does not read stops the loop reading: the sender meets its high-water mark, nothing is lost")
    func boundedIncoming() async throws {
        let context = try Context()
        let loop = try SocketLoop(context: context, type: .pull, incomingCapacity: 4) { socket in
            try socket.set(.receiveHighWaterMark, 4)
            try socket.bind("tcp://127.0.0.1:*")
        }
        let sender = try Socket(context, type: .push)
        try sender.set(.sendHighWaterMark, 4)
        try sender.set(.sendTimeout, 3000)
        try sender.connect(loop.endpoint)
        // 64 MB offered; loopback's socket buffers hold a few MB, so an unbounded stream would take it all.
        let body = Data(count: 64 * 1024)
        var sent = 0
        while sent < 1000 {
            do {
                try sender.send(Message([Data("\(sent)".utf8), body]))
                sent += 1
            } catch {
                break
            }
        }
        #expect(sent < 1000, "the loop read every message into its stream while nobody consumed it")

        var next = 0
        for await message in loop.incoming {
            #expect(String(decoding: message.frames[0], as: UTF8.self) == "\(next)")
            next += 1
            if next == sent { break }
        }
        #expect(next == sent)
        loop.close()
    }
}
