import Coordination
import EventLog
import Foundation
import HubCore
import HubProtocol
import Testing

@Suite("HubCore: sessions and credit")
struct SessionCoreTests {
    @Test("HELLO opens a session: WELCOME with the head and the resume point, and one presence record")
    func hello() throws {
        var hub = CoreHarness()
        hub.log.cursors["huli"] = 0
        hub.hello("huli")
        let answers = hub.outbox.take(CoreHarness.routing("huli"))
        let welcome = try #require(answers.welcome)
        #expect(welcome.nodeID == "huli" && welcome.role == "district" && welcome.resumeAfter == 0)
        #expect(welcome.creditWindow == 64 && welcome.hubTimeMs == hub.now.wallMs)
        #expect(hub.log.records.count == 1, "the presence record")
        let presence = try Envelope(serializedBytes: hub.log.records[0].envelope)
        #expect(presence.nodePresence.nodeID == "huli" && presence.nodePresence.online)
        #expect(hub.core.sessions["huli"] != nil)

        // A second HELLO of an online node (a reconnect) writes no second presence record.
        hub.hello("huli")
        #expect(hub.log.records.count == 1)
        // A transient session leaves no presence record and is not the unit's session.
        hub.hello("siming", transient: true)
        #expect(hub.log.records.count == 1)
        #expect(hub.core.sessions["siming"] == nil && hub.core.transients.count == 1)
    }

    @Test("a node restored from another log cannot claim to have seen beyond the head")
    func resumeClamped() throws {
        var hub = CoreHarness()
        hub.hello("huli", lastSeen: 500)
        let welcome = try #require(hub.outbox.take(CoreHarness.routing("huli")).welcome)
        #expect(welcome.resumeAfter == 0)
    }

    @Test("a command before HELLO is answered NO_SESSION; another protocol major, ERROR and CLOSE")
    func noSession() {
        var hub = CoreHarness()
        hub.round([("huli", .heartbeat)])
        #expect(hub.outbox.take(CoreHarness.routing("huli")).errors.map(\.code) == [.noSession])
        hub.round([("huli", .hello(Hello.with { $0.protocolMajor = 2 }))])
        let answers = hub.outbox.take(CoreHarness.routing("huli"))
        #expect(answers.errors.map(\.code) == [.unsupportedVersion])
        #expect(answers.contains { if case .close = $0 { true } else { false } })
        #expect(hub.core.sessions.isEmpty && hub.log.records.isEmpty)
    }

    @Test("a HELLO naming another node: the warning is logged before the ERROR goes, and the node's text is kept whole")
    func identityMismatch() {
        var hub = CoreHarness()
        hub.round([
            (
                "siming",
                .hello(
                    Hello.with {
                        $0.protocolMajor = 1
                        $0.nodeID = "siming\nFORGED hub stopped"
                    })
            )
        ])
        #expect(
            hub.outbox.journal == ["log HELLO names another node than its key", "send ERROR", "send CLOSE"],
            "\(hub.outbox.journal)")
        let effects = hub.outbox.takeEffects()
        let claimed = effects.compactMap { if case .log(let line) = $0 { line.metadata["claimed"] } else { nil } }
        #expect(claimed == ["siming\nFORGED hub stopped"], "escaped by the runtime's log handler, not here")
        #expect(hub.core.sessions.isEmpty)
    }

    @Test("heartbeats go to quiet sessions; a silent session ends after its liveness, with an offline record")
    func liveness() throws {
        var hub = CoreHarness { $0.heartbeatInterval = .seconds(1) }
        hub.hello("huli")
        _ = hub.outbox.take(CoreHarness.routing("huli"))
        hub.advance(.seconds(1))
        hub.commit(hub.core.keepSessionsAlive(now: hub.now))
        #expect(hub.outbox.take(CoreHarness.routing("huli")) == [.heartbeat])
        hub.round([("huli", .heartbeat)])  // heard: alive again for three intervals
        hub.advance(.seconds(3))
        hub.commit(hub.core.keepSessionsAlive(now: hub.now))
        #expect(hub.core.sessions["huli"] != nil)
        hub.advance(.milliseconds(1))
        hub.commit(hub.core.keepSessionsAlive(now: hub.now))
        #expect(hub.core.sessions["huli"] == nil)
        let offline = try Envelope(serializedBytes: hub.log.records[1].envelope).nodePresence
        #expect(!offline.online && offline.reason == "heartbeat expired")
    }

    @Test("CLOSE ends the session with an offline record; a revoked key's session ends at once")
    func closeAndRevoke() throws {
        var hub = CoreHarness()
        hub.hello("huli")
        hub.round([("huli", .close(Close()))])
        #expect(hub.core.sessions["huli"] == nil && hub.log.records.count == 2)
        hub.hello("siming")
        _ = hub.outbox.take(CoreHarness.routing("siming"))
        hub.commit(hub.core.endRevokedSessions(isCurrent: { node, _ in node != "siming" }, now: hub.now))
        #expect(hub.core.sessions["siming"] == nil)
        let answers = hub.outbox.take(CoreHarness.routing("siming"))
        #expect(answers.errors.map(\.code) == [.notAuthorised])
        // Its connection is heard no more.
        hub.round([("siming", .heartbeat)], keyIsCurrent: false)
        #expect(hub.outbox.take(CoreHarness.routing("siming")).errors.map(\.code) == [.notAuthorised])
    }

    @Test("deliveries stay within the credit window; an ACK opens it again, from the log")
    func creditWindow() throws {
        var hub = CoreHarness { $0.creditWindow = 4 }
        hub.hello("huli")
        hub.hello("commerce-bureau", lastSeen: 1)  // has seen huli's presence record
        let coordinator = CoreHarness.routing("commerce-bureau")
        _ = hub.outbox.take(coordinator)
        let reports = (1...10).map { ("huli", Command.submit(CoreHarness.report("report \($0)", id: "r\($0)"))) }
        hub.round(reports)
        let first = hub.outbox.take(coordinator).deliveries
        #expect(first.count == 4)
        let sequences = try first.map { try $0.decoded().sequence }
        hub.round([("commerce-bureau", .ack(Ack.with { $0.sequence = sequences[1] }))])
        #expect(hub.outbox.take(coordinator).deliveries.count == 2)
        #expect(hub.core.sessions["commerce-bureau"]?.inFlight.count == 4)
        // An ACK beyond what was sent is ignored.
        hub.round([("commerce-bureau", .ack(Ack.with { $0.sequence = 1_000 }))])
        #expect(hub.core.sessions["commerce-bureau"]?.ackedUpTo == sequences[1])
        #expect(hub.core.cursorsDue(now: hub.now, force: true)?["commerce-bureau"] == sequences[1])
    }

    @Test("a full queue stops deliveries without losing one: the window is topped up from the log later")
    func fullQueue() throws {
        var hub = CoreHarness()
        hub.hello("commerce-bureau")
        let coordinator = CoreHarness.routing("commerce-bureau")
        _ = hub.outbox.take(coordinator)
        hub.outbox.full.insert(coordinator)
        hub.hello("huli")
        hub.round([("huli", .submit(CoreHarness.report("while full", id: "m-1")))])
        #expect(hub.core.sessions["commerce-bureau"]?.caughtUp == false)
        hub.outbox.full.remove(coordinator)
        hub.round([("commerce-bureau", .ack(Ack.with { $0.sequence = 0 }))])
        let delivered = try hub.outbox.take(coordinator).deliveries.map { try $0.decoded().messageID }
        #expect(delivered == ["presence-2", "m-1"])
    }
}
