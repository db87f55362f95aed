import Coordination
import Foundation
import HubNode
import HubProtocol
import Reports
import Testing

/// Every workflow transition, allowed and refused, submitted by real nodes to a real hub.
@Suite("Workflow transitions through the hub", .serialized)
struct WorkflowTransitionTests {
    /// What the hub must answer.
    enum Expect {
        case accepted
        case refused(ErrorCode, String)
    }

    /// The nodes of a running network, by id.
    final class Nodes: @unchecked Sendable {
        // @unchecked: used by one test task at a time.
        let network: TestNetwork
        var nodes: [String: HubNode] = [:]
        var steps = 0

        init() async throws {
            network = try TestNetwork()
            try network.startHub()
            for unit in TestNetwork.units { nodes[unit.id] = try await network.node(unit.id, state: false) }
        }

        /// Submits `envelope` as `sender` and checks the answer.
        func send(
            _ sender: String, _ expect: Expect, _ envelope: Envelope, sourceLocation: SourceLocation = #_sourceLocation
        ) async throws {
            steps += 1
            let label = "\(sender) \(envelope.messageType?.rawValue ?? "?")"
            do {
                _ = try await nodes[sender]!.submit(envelope, deadline: .seconds(20))
                if case .refused(let code, let reason) = expect {
                    Issue.record(
                        "\(label) was accepted; expected \(code.name): \(reason)", sourceLocation: sourceLocation)
                }
            } catch NodeError.rejected(let code, let reason, _) {
                switch expect {
                case .accepted: Issue.record("\(label) was refused: \(code) \(reason)", sourceLocation: sourceLocation)
                case .refused(let expectedCode, let fragment):
                    #expect(code == expectedCode.name, "\(label): \(reason)", sourceLocation: sourceLocation)
                    #expect(
                        reason.contains(fragment), "\(label): '\(reason)' lacks '\(fragment)'",
                        sourceLocation: sourceLocation)
                }
            }
        }

        /// The truth: the whole log folded.
        func view() async throws -> CoordinationState { try network.truth() }

        func close() async {
            for node in nodes.values { await node.close() }
            await network.stopHub()
        }
    }

    static let today = CivilDate(chinaTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
    static let enterprise = Enterprise.with {
        $0.uscc = "91350200776049653A"
        $0.name = "Xiamen Example Trading"
    }
    static let other = Enterprise.with {
        $0.uscc = "913502000728319549"
        $0.name = "Siming Precision Parts"
    }
    static let contact = Contact.with { $0.name = "Lin Wei" }

    static func slot(_ days: Int, hour: Int = 9) -> TimeSlot {
        let start = today.adding(days: days).chinaMidnightMilliseconds + Int64(hour) * 3_600_000
        return TimeSlot.with {
            $0.startMs = start
            $0.endMs = start + 3 * 3_600_000
        }
    }

    static func e(_ build: (inout Envelope) -> Void) -> Envelope {
        var envelope = Envelope()
        build(&envelope)
        return envelope
    }

    @Test(
        """
        requests: filed, acknowledged, in progress, resolved, declined, withdrawn; duplicates flagged; every refusal \
        explained
        """
    )
    func requests() async throws {
        let n = try await Nodes()
        func filed(_ id: String, _ area: String = "350206", _ firm: Enterprise = Self.enterprise) -> Envelope {
            Self.e {
                $0.requestFiled = RequestFiled.with {
                    $0.requestID = id
                    $0.enterprise = firm
                    $0.area = area
                    $0.category = .aeoCertificationIntent
                    $0.description_p = "d"
                    $0.contact = Self.contact
                }
            }
        }
        try await n.send("huli", .accepted, filed("R1"))
        try await n.send("huli", .refused(.workflowViolation, "already exists"), filed("R1"))
        try await n.send("siming", .refused(.notAuthorised, "only for its own area 350203"), filed("R9"))
        try await n.send("xm-dongdu", .refused(.notAuthorised, "may not send request_filed"), filed("R9"))
        // The same enterprise and category: a probable duplicate, and the filer is told so at once.
        let answer = try await n.nodes["huli"]!.submit(filed("R2"), deadline: .seconds(20))
        #expect(answer.notes.count == 1 && answer.notes[0].contains("already has open request R1 of this category"))
        #expect(answer.notes.first?.contains("filed by huli") == true, "\(answer.notes)")
        try await n.send("huli", .accepted, filed("R3", "350206", Self.other))
        try await n.send("huli", .accepted, filed("R4", "350206", Self.other))

        let ack = { (id: String) in
            Self.e {
                $0.requestAcknowledged = RequestAcknowledged.with {
                    $0.requestID = id
                    $0.handlingOffice = "xm-dongdu"
                }
            }
        }
        try await n.send("huli", .refused(.notAuthorised, "may not send request_acknowledged"), ack("R1"))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "must be acknowledged before progress"),
            Self.e {
                $0.requestProgress = RequestProgress.with {
                    $0.requestID = "R1"
                    $0.note = "n"
                }
            })
        try await n.send("xm-haicang", .refused(.notAuthorised, "handled by xm-dongdu"), ack("R1"))
        try await n.send("xm-dongdu", .accepted, ack("R1"))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "already acknowledged"), ack("R1"))
        try await n.send(
            "xm-haicang", .refused(.notAuthorised, "handled by xm-dongdu"),
            Self.e {
                $0.requestProgress = RequestProgress.with {
                    $0.requestID = "R1"
                    $0.note = "n"
                }
            })
        try await n.send(
            "xm-dongdu", .accepted,
            Self.e {
                $0.requestProgress = RequestProgress.with {
                    $0.requestID = "R1"
                    $0.note = "Pre-assessment booked."
                }
            })
        try await n.send(
            "xm-dongdu", .accepted,
            Self.e {
                $0.requestResolved = RequestResolved.with {
                    $0.requestID = "R1"
                    $0.resolution = "Done."
                }
            })
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "already resolved"),
            Self.e {
                $0.requestDeclined = RequestDeclined.with {
                    $0.requestID = "R1"
                    $0.reason = "r"
                }
            })
        try await n.send(
            "xm-dongdu", .accepted,
            Self.e {
                $0.requestDeclined = RequestDeclined.with {
                    $0.requestID = "R3"
                    $0.reason = "Out of scope."
                }
            })
        try await n.send(
            "siming", .refused(.notAuthorised, "only the filer huli"),
            Self.e { $0.requestWithdrawn = RequestWithdrawn.with { $0.requestID = "R4" } })
        try await n.send(
            "huli", .accepted,
            Self.e {
                $0.requestWithdrawn = RequestWithdrawn.with {
                    $0.requestID = "R4"
                    $0.reason = "Filed twice."
                }
            })
        try await n.send(
            "huli", .refused(.workflowViolation, "there is no request R77"),
            Self.e { $0.requestWithdrawn = RequestWithdrawn.with { $0.requestID = "R77" } })
        // Customs hands a request to the department responsible (a tax refund: the tax bureau's matter),
        // which answers it; a district is not a handler.
        try await n.send("huli", .accepted, filed("R5", "350206", Self.other))
        let hand = { (unit: String) in
            Self.e {
                $0.requestAcknowledged = RequestAcknowledged.with {
                    $0.requestID = "R5"
                    $0.handlingOffice = unit
                }
            }
        }
        try await n.send(
            "xm-dongdu", .refused(.invalidField, "siming is not a customs office or a department"), hand("siming"))
        try await n.send("xm-dongdu", .accepted, hand("finance-bureau"))
        let resolve = Self.e {
            $0.requestResolved = RequestResolved.with {
                $0.requestID = "R5"
                $0.resolution = "Refund filed through the single window."
            }
        }
        try await n.send("xm-dongdu", .refused(.notAuthorised, "handled by finance-bureau"), resolve)
        #expect(try await n.nodes["finance-bureau"]!.view(.of(.requests)).requests.map(\.requestID) == ["R5"])
        try await n.send("finance-bureau", .accepted, resolve)

        let state = try await n.view()
        #expect(
            state.requests.byID.mapValues(\.status) == [
                "R1": .resolved, "R2": .filed, "R3": .declined, "R4": .withdrawn, "R5": .resolved,
            ])
        #expect(state.requests["R2"]?.duplicateOf == "R1")
        let later = Self.today.adding(days: 21)
        #expect(state.requests["R2"]?.isOverdue(on: later, serviceDays: 20) == true)
        #expect(state.requests["R1"]?.isOverdue(on: later, serviceDays: 20) == false)
        let ledger = try await n.nodes["commerce-bureau"]!.view(.of(.requests))
        let listing = Listings(view: ledger, today: later, serviceDays: 20).requests(overdueOnly: true)
        #expect(listing.texts.map { $0[0] } == ["R2"])
        await n.close()
    }

    @Test("cultivation key list: recommended, listed, declined, removed")
    func cultivation() async throws {
        let n = try await Nodes()
        let recommend = Self.e {
            $0.cultivationRecommended = CultivationRecommended.with {
                $0.enterprise = Self.enterprise
                $0.reason = "Growth."
            }
        }
        let list = { (uscc: String) in Self.e { $0.cultivationListed = CultivationListed.with { $0.uscc = uscc } } }
        try await n.send("huli", .accepted, recommend)
        try await n.send("commerce-bureau", .accepted, recommend)
        try await n.send(
            "huli", .refused(.notAuthorised, "may not send cultivation_listed"), list(Self.enterprise.uscc))
        try await n.send("xm-dongdu", .accepted, list(Self.enterprise.uscc))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "already on the key list"), list(Self.enterprise.uscc))
        try await n.send("siming", .refused(.workflowViolation, "already on the key list"), recommend)
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "no pending recommendation"),
            Self.e {
                $0.cultivationDeclined = CultivationDeclined.with {
                    $0.uscc = Self.other.uscc
                    $0.reason = "r"
                }
            })
        try await n.send(
            "siming", .accepted,
            Self.e {
                $0.cultivationRecommended = CultivationRecommended.with {
                    $0.enterprise = Self.other
                    $0.reason = "r"
                }
            })
        try await n.send(
            "xm-dongdu", .accepted,
            Self.e {
                $0.cultivationDeclined = CultivationDeclined.with {
                    $0.uscc = Self.other.uscc
                    $0.reason = "Not yet."
                }
            })
        try await n.send(
            "xm-dongdu", .accepted,
            Self.e {
                $0.cultivationRemoved = CultivationRemoved.with {
                    $0.uscc = Self.enterprise.uscc
                    $0.reason = "Breach."
                }
            })
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "is not on the key list"),
            Self.e {
                $0.cultivationRemoved = CultivationRemoved.with {
                    $0.uscc = Self.enterprise.uscc
                    $0.reason = "again"
                }
            })

        let state = try await n.view()
        #expect(state.cultivation[Self.enterprise.uscc]?.status == .removed)
        #expect(state.cultivation[Self.enterprise.uscc]?.recommenders == ["huli", "commerce-bureau"])
        #expect(state.cultivation[Self.other.uscc]?.status == .declined)
        await n.close()
    }
}
