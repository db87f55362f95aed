import Coordination
import Deployment
import HubNode
import HubProtocol
import Reports

// The demo's measures: an AEO's standing and its incentives through a suspension and a downgrade, and a review.
extension Scenario {
    static let jimei = Enterprise.with {
        $0.uscc = "91350211M0000XUF46"
        $0.name = "Jimei Logistics Co. 集美物流"
    }
    static let torch = Enterprise.with {
        $0.uscc = "91350203MA31NDF85F"
        $0.name = "Torch Semiconductor Co. 火炬半导体"
    }

    /// Jimei Logistics certified, granted a measure-5 subsidy, suspended (the subsidy must stop and is
    /// stopped), lifted (it stays stopped until granted again), granted again, then downgraded: the
    /// holder and the coordinator are asked to confirm, and the holder's confirmation closes it.
    func standing(today: CivilDate, suffix: String) async throws {
        let caseID = "CASE-\(today.year)-\(suffix)-J"
        try await submit("xm-dongdu", Self.opened(caseID, Self.jimei, received: today.adding(days: -60)))
        try await audit(caseID, "AUD-\(today.year)-\(suffix)-J", held: today.adding(days: -40))
        try await submit("xm-dongdu", Self.concluded(caseID, "All sites passed."))
        try await showStanding()
        let first = "INC-\(today.year)-\(suffix)-1"
        try await submit("finance-bureau", Self.grant(first, on: today.adding(days: -30)))
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.certificateSuspended = CertificateSuspended.with {
                    $0.uscc = Self.jimei.uscc
                    $0.ground = .administrativeInvestigation
                    $0.reason = "Administrative investigation opened."
                }
            })
        try await showRegister(first)
        try await submit(
            "finance-bureau",
            Envelope.with {
                $0.incentiveStopped = IncentiveStopped.with {
                    $0.incentiveID = first
                    $0.reason = "AEO measures suspended."
                }
            })
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.suspensionLifted = SuspensionLifted.with {
                    $0.uscc = Self.jimei.uscc
                    $0.reason = "Investigation closed without a case."
                }
            })
        try await showRegister(first)
        let second = "INC-\(today.year)-\(suffix)-2"
        try await submit("finance-bureau", Self.grant(second, on: today))
        let changeID = "CR-\(today.year)-\(suffix)"
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.creditChangePublished = CreditChangePublished.with {
                    $0.changeID = changeID
                    $0.enterprise = Self.jimei
                    $0.levelSet = .order282
                    $0.fromLevel = "advanced_certified"
                    $0.toLevel = "regular"
                    $0.reason = "Breach found in a post-clearance audit."
                    $0.severity = .general
                    $0.effectiveDate = today.description
                    $0.publicityEnd = today.adding(days: 180).description
                    $0.stopJointIncentives = true
                }
            })
        try await showRegister(second)
        // Asked to confirm: the units holding an active incentive (the finance bureau) and the coordinator.
        for unit in ["finance-bureau", "commerce-bureau"] {
            _ = try await network.waitFor(unit) { $0.creditChangePublished.changeID == changeID }
            try await submit(
                unit,
                Envelope.with {
                    $0.creditChangeConfirmed = CreditChangeConfirmed.with {
                        $0.changeID = changeID
                        $0.note = "Joint incentives stopped."
                    }
                })
        }
        try await showRegister(second)
        try await showStanding()
    }

    static func opened(_ caseID: String, _ firm: Enterprise, received: CivilDate) -> Envelope {
        Envelope.with {
            $0.caseOpened = CaseOpened.with {
                $0.caseID = caseID
                $0.enterprise = firm
                $0.applicationReceived = received.description
            }
        }
    }

    static func concluded(_ caseID: String, _ reason: String) -> Envelope {
        Envelope.with {
            $0.caseConcluded = CaseConcluded.with {
                $0.caseID = caseID
                $0.result = .certified
                $0.reason = reason
            }
        }
    }

    static func grant(_ id: String, on day: CivilDate) -> Envelope {
        Envelope.with {
            $0.incentiveGranted = IncentiveGranted.with {
                $0.incentiveID = id
                $0.enterprise = Self.jimei
                $0.measure = 5
                $0.support = "AEO certification subsidy 高级认证财政奖励"
                $0.grantedOn = day.description
            }
        }
    }

    private func showStanding() async throws {
        let view = try await network.node("commerce-bureau").view(
            ViewRequest.with {
                $0.kind = .enterprises
                $0.uscc = Self.jimei.uscc
            })
        for row in view.enterprises {
            let level = row.levels.map { "\($0.level)" }.joined(separator: ", ")
            let bar = row.barredUntil.isEmpty ? "" : ", may apply again from \(row.barredUntil)"
            say(
                "  commerce-bureau  standing: \(row.enterprise.name) certificate \(row.certificate) "
                    + "\(row.validity), level \(level), incentives \(row.incentivesActive) active / "
                    + "\(row.incentivesStopped) stopped\(bar)")
        }
    }

    private func showRegister(_ incentive: String) async throws {
        let register = try await network.node("finance-bureau").view(ViewRequest.with { $0.kind = .incentives })
        for row in register.incentives where row.incentiveID == incentive {
            let stopped =
                row.stoppedBy.isEmpty
                ? (row.stopCause.isEmpty ? "" : " (\(row.stopCause) \(row.stopRef))")
                : " by the confirmation of \(row.stoppedBy)"
            say(
                "  finance-bureau   register: \(row.incentiveID) \(row.enterprise.name), measure \(row.measure): "
                    + "\(row.status)\(stopped)"
            )
        }
    }

    func review(today: CivilDate, suffix: String) async throws {
        let caseID = "CASE-\(today.year)-\(suffix)-T"
        try await submit("xm-dongdu", Self.opened(caseID, Self.torch, received: today.adding(days: -75)))
        try await audit(caseID, "AUD-\(today.year)-\(suffix)-T", held: today.adding(days: -5))
        try await submit("xm-dongdu", Self.concluded(caseID, "All sites passed."))
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.reviewDue = ReviewDue.with {
                    $0.uscc = Self.torch.uscc
                    $0.dueDate = today.description
                    $0.reason = "Anomaly: a change of ownership."
                }
            })
        let reviewID = "REV-\(today.year)-\(suffix)"
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.caseOpened = CaseOpened.with {
                    $0.caseID = reviewID
                    $0.enterprise = Self.torch
                    $0.applicationReceived = today.adding(days: -3).description
                    $0.kind = .review
                }
            })
        try await audit(reviewID, "AUD-\(today.year)-\(suffix)-R", held: today.adding(days: -1))
        try await submit("xm-dongdu", Self.concluded(reviewID, "Review passed."))
        let certificates = try await network.node("xm-dongdu").view(ViewRequest.with { $0.kind = .certificates })
        for row in certificates.certificates where row.enterprise.uscc == Self.torch.uscc {
            say(
                "  xm-dongdu        certificate: \(row.enterprise.name) \(row.status), certified \(row.certifiedOn), "
                    + "next review \(row.reviewDue)"
            )
        }
    }

    /// Proposes, schedules and completes (passed) a one-site audit held on `held`.
    private func audit(_ caseID: String, _ auditID: String, held: CivilDate) async throws {
        let start = held.chinaMidnightMilliseconds + 9 * 3_600_000
        let slot = TimeSlot.with {
            $0.startMs = start
            $0.endMs = start + 6 * 3_600_000
        }
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.auditProposed = AuditProposed.with {
                    $0.caseID = caseID
                    $0.auditID = auditID
                    $0.slots = [slot]
                    $0.enterpriseContact = Self.contact
                    $0.sites = [
                        AuditSite.with {
                            $0.name = "Fab 1"
                            $0.address = "Torch Park, Xiamen"
                            $0.customsArea = "3700"
                        }
                    ]
                    $0.team = [
                        Officer.with {
                            $0.officerID = "DD-1001"
                            $0.name = "Chen Hua"
                            $0.office = "xm-dongdu"
                        },
                        Officer.with {
                            $0.officerID = "DD-1003"
                            $0.name = "Zhang Min"
                            $0.office = "xm-dongdu"
                        },
                    ]
                }
            })
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.auditScheduled = AuditScheduled.with {
                    $0.auditID = auditID
                    $0.caseID = caseID
                    $0.slot = slot
                }
            })
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.auditCompleted = AuditCompleted.with {
                    $0.auditID = auditID
                    $0.caseID = caseID
                    $0.outcome = .passed
                }
            })
    }
}
