import Foundation
import Testing
import ZeroMQ

@Suite("CURVE and ZAP")
struct CurveTests {
    @Test("Z85 encodes the RFC 32 test vector and round-trips keys")
    func z85() throws {
        let bytes = Data([0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B])
        #expect(try Z85.encode(bytes) == "HelloWorld")
        #expect(try Z85.decode("HelloWorld") == bytes)
        #expect(throws: Z85.Failure.lengthNotMultipleOfFour(3)) { try Z85.encode(Data([1, 2, 3])) }
        #expect(throws: Z85.Failure.lengthNotMultipleOfFive(4)) { try Z85.decode("abcd") }
    }

    @Test("key pairs are fresh, 32 bytes, and the public key derives from the secret")
    func keyPairs() throws {
        let a = try CurveKeyPair.generate()
        let b = try CurveKeyPair.generate()
        #expect(a != b)
        #expect(a.publicKey.bytes.count == 32 && a.secretKey.bytes.count == 32)
        #expect(a.publicKey.z85.count == 40)
        #expect(try CurveKey(z85: a.publicKey.z85) == a.publicKey)
        #expect(try CurveKeyPair(secretKey: a.secretKey) == a)
        #expect(throws: CurveKeyError.wrongTextLength(5)) { try CurveKey(z85: "short") }
        #expect(throws: CurveKeyError.wrongLength(31)) { try CurveKey(bytes: Data(count: 31)) }
    }

    @Test("a CURVE round trip over tcp, with the User-Id from the ZAP handler on every message")
    func curveRoundTrip() throws {
        let context = try Context()
        let server = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        let zap = try ZAPHandler(context: context) { request in
            request.clientKey == client.publicKey ? .allow(userID: "xm-dongdu") : .deny(reason: "unknown key")
        }
        defer { zap.stop() }

        let router = try Socket(context, type: .router)
        try router.makeCurveServer(keyPair: server, zapDomain: "aeohub")
        let endpoint = try router.bind("tcp://127.0.0.1:*")
        let dealer = try Socket(context, type: .dealer)
        try dealer.makeCurveClient(keyPair: client, serverKey: server.publicKey)
        try dealer.connect(endpoint)

        try dealer.send(Message(strings: ["secret", "payload"]))
        let received = try #require(try router.receive(timeout: .seconds(5)))
        #expect(received.userID == "xm-dongdu")
        #expect(received.frames.suffix(2) == [Data("secret".utf8), Data("payload".utf8)])
        #expect(try router.get(.mechanism) == 2)  // ZMQ_CURVE

        try router.send(Message([received.frames[0], Data("reply".utf8)]))
        #expect(try dealer.receive(timeout: .seconds(5)) == Message(strings: ["reply"]))
        #expect(zap.requestsServed >= 1)
    }

    @Test("a client with an unknown key is refused by the ZAP handler; a known one still gets in")
    func unknownKeyRefused() throws {
        let context = try Context()
        let server = try CurveKeyPair.generate()
        let known = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()
        let seen = Locked<[String]>([])
        let zap = try ZAPHandler(context: context) { request in
            seen.set(seen.value + [request.mechanism + " " + request.domain])
            return request.clientKey == known.publicKey ? .allow(userID: "known") : .deny(reason: "unknown key")
        }
        defer { zap.stop() }

        let router = try Socket(context, type: .router)
        try router.makeCurveServer(keyPair: server, zapDomain: "aeohub")
        let endpoint = try router.bind("tcp://127.0.0.1:*")

        let intruder = try Socket(context, type: .dealer)
        try intruder.makeCurveClient(keyPair: stranger, serverKey: server.publicKey)
        try intruder.connect(endpoint)
        try intruder.send(Message(strings: ["let me in"]))

        let friend = try Socket(context, type: .dealer)
        try friend.makeCurveClient(keyPair: known, serverKey: server.publicKey)
        try friend.connect(endpoint)
        try friend.send(Message(strings: ["hello"]))

        let first = try #require(try router.receive(timeout: .seconds(5)))
        #expect(first.userID == "known")
        #expect(first.frames.last == Data("hello".utf8))
        #expect(try router.receive(timeout: .milliseconds(300)) == nil)
        #expect(seen.value.filter { $0 == "CURVE aeohub" }.count >= 2)
    }

    @Test("with domain enforcement and no ZAP handler, CURVE clients are refused (fail closed)")
    func enforcedDomainWithoutHandler() throws {
        let context = try Context()
        let server = try CurveKeyPair.generate()
        let router = try Socket(context, type: .router)
        try router.makeCurveServer(keyPair: server, zapDomain: "aeohub")
        let endpoint = try router.bind("tcp://127.0.0.1:*")

        let client = try Socket(context, type: .dealer)
        try client.makeCurveClient(keyPair: try CurveKeyPair.generate(), serverKey: server.publicKey)
        try client.connect(endpoint)
        try client.send(Message(strings: ["anyone home?"]))
        #expect(try router.receive(timeout: .milliseconds(500)) == nil)
    }

    @Test("a plaintext client cannot talk to a CURVE server")
    func plaintextRefused() throws {
        let context = try Context()
        let zap = try ZAPHandler(context: context) { _ in .allow(userID: "anyone") }
        defer { zap.stop() }
        let server = try CurveKeyPair.generate()
        let router = try Socket(context, type: .router)
        try router.makeCurveServer(keyPair: server, zapDomain: "aeohub")
        let endpoint = try router.bind("tcp://127.0.0.1:*")

        let plain = try Socket(context, type: .dealer)
        try plain.connect(endpoint)
        try plain.send(Message(strings: ["plaintext"]))
        #expect(try router.receive(timeout: .milliseconds(500)) == nil)
    }

    @Test("a second ZAP handler on the same context is refused with EADDRINUSE")
    func oneHandlerPerContext() throws {
        let context = try Context()
        let first = try ZAPHandler(context: context) { _ in .deny(reason: "no") }
        defer { first.stop() }
        let error = try #require(throws: ZMQError.self) {
            _ = try ZAPHandler(context: context) { _ in .deny(reason: "no") }
        }
        #expect(error.code == EADDRINUSE)
    }
}
