import Coordination
import Foundation
import HubProtocol

extension DecoderFuzzer {
    static let topology = Topology(units: [
        Unit(id: "commerce-bureau", role: .coordinator, name: "Commerce Bureau"),
        Unit(id: "xm-dongdu", role: .customs, name: "Dongdu Customs"),
        Unit(id: "fuzhou-customs", role: .partner, name: "Fuzhou Customs"),
        Unit(id: "huli", role: .district, name: "Huli", area: "350206", customsOffice: "xm-dongdu"),
    ])

    static let enterprise = Enterprise.with {
        $0.uscc = "91350200776049653A"
        $0.name = "Xiamen Example Trading"
        $0.customsCode = "3502960001"
    }
    static let contact = Contact.with {
        $0.name = "Lin Wei"
        $0.phone = "+86 592 555 0101"
    }
    static let slot = TimeSlot.with {
        $0.startMs = 1_790_100_000_000
        $0.endMs = 1_790_110_000_000
    }

    /// Records the fuzzed envelopes meet in the state.
    static let history: [(String, Envelope)] = [
        (
            "huli",
            Envelope.with {
                $0.messageID = "h1"
                $0.requestFiled = RequestFiled.with {
                    $0.requestID = "R1"
                    $0.enterprise = enterprise
                    $0.area = "350206"
                    $0.category = .policyConsultation
                    $0.description_p = "d"
                    $0.contact = contact
                }
            }
        ),
        (
            "xm-dongdu",
            Envelope.with {
                $0.messageID = "h2"
                $0.caseOpened = CaseOpened.with {
                    $0.caseID = "C1"
                    $0.enterprise = enterprise
                    $0.applicationReceived = "2026-09-20"
                }
            }
        ),
        (
            "commerce-bureau",
            Envelope.with {
                $0.messageID = "h3"
                $0.meetingConvened = MeetingConvened.with {
                    $0.meetingID = "M1"
                    $0.title = "t"
                    $0.invitees = ["huli"]
                    $0.time = slot
                    $0.place = "p"
                }
            }
        ),
    ]

    /// Valid commands of every kind a node sends, and envelopes of every workflow.
    static let seedCommands: [Command] = {
        let envelopes: [Envelope] =
            history.map(\.1) + [
                Envelope.with {
                    $0.messageID = "s1"
                    $0.requestAcknowledged = RequestAcknowledged.with {
                        $0.requestID = "R1"
                        $0.handlingOffice = "xm-dongdu"
                    }
                },
                Envelope.with {
                    $0.messageID = "s2"
                    $0.to = Recipients.with {
                        $0.nodes = ["huli"]
                        $0.roles = ["customs"]
                    }
                    $0.progressReport = ProgressReport.with {
                        $0.period = "2026-09/2026-10"
                        $0.figures = [
                            Figure.with {
                                $0.name = "n"
                                $0.value = 3
                            }
                        ]
                        $0.text = "t"
                    }
                },
                Envelope.with {
                    $0.messageID = "s3"
                    $0.auditProposed = AuditProposed.with {
                        $0.caseID = "C1"
                        $0.auditID = "A1"
                        $0.slots = [slot]
                        $0.enterpriseContact = contact
                        $0.sites = [
                            AuditSite.with {
                                $0.name = "n"
                                $0.address = "a"
                                $0.customsArea = "3500"
                            }
                        ]
                        $0.team = [
                            Officer.with {
                                $0.officerID = "1"
                                $0.name = "a"
                            },
                            Officer.with {
                                $0.officerID = "2"
                                $0.name = "b"
                            },
                        ]
                    }
                },
                Envelope.with {
                    $0.messageID = "s4"
                    $0.auditResponded = AuditResponded.with {
                        $0.caseID = "C1"
                        $0.auditID = "A1"
                        $0.answer = .accept
                        $0.acceptedSlots = [0]
                    }
                },
                Envelope.with {
                    $0.messageID = "s5"
                    $0.actionItemAssigned = ActionItemAssigned.with {
                        $0.meetingID = "M1"
                        $0.actionID = "X1"
                        $0.ownerUnit = "huli"
                        $0.dueDate = "2026-12-01"
                        $0.text = "t"
                    }
                },
                Envelope.with {
                    $0.messageID = "s6"
                    $0.creditChangePublished = CreditChangePublished.with {
                        $0.changeID = "CR1"
                        $0.enterprise = enterprise
                        $0.levelSet = .order282
                        $0.fromLevel = "advanced_certified"
                        $0.toLevel = "regular"
                        $0.reason = "r"
                        $0.severity = .serious
                        $0.effectiveDate = "2026-10-01"
                        $0.publicityEnd = "2027-10-01"
                        $0.stopJointIncentives = true
                    }
                },
                Envelope.with {
                    $0.messageID = "s7"
                    $0.cultivationRecommended = CultivationRecommended.with {
                        $0.enterprise = enterprise
                        $0.reason = "r"
                    }
                },
            ]
        return envelopes.map { Command.submit($0) } + [
            .hello(
                Hello.with {
                    $0.protocolMajor = 1
                    $0.nodeID = "huli"
                    $0.lastSequenceSeen = 42
                    $0.software = "fuzz"
                }),
            .ack(Ack.with { $0.sequence = 7 }),
            .heartbeat,
            .replayRequest(
                ReplayRequest.with {
                    $0.requestID = "q"
                    $0.meetingID = "M1"
                    $0.types = ["minutes_entry"]
                    $0.fromSequence = 3
                    $0.limit = 10
                }),
            .close(Close.with { $0.reason = "bye" }),
            .deliver(StoredEnvelope(bytes: (try? history[0].1.serializedData()) ?? Data())),
        ]
    }()
}
