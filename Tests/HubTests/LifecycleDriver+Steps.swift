import Coordination
import HubProtocol

// The messages the lifecycle driver sends: every one from the unit the rules expect, so that a
// refusal is the standing's doing.
extension LifecycleDriver {
    func envelope(_ build: (inout Envelope) -> Void) -> Envelope {
        var envelope = Envelope()
        envelope.messageID = id("m")
        build(&envelope)
        return envelope
    }

    func open(_ firm: Enterprise, review: Bool) -> (String, Envelope) {
        let caseID = id(review ? "R" : "C")
        return (
            "xm-dongdu",
            envelope {
                $0.caseOpened = CaseOpened.with {
                    $0.caseID = caseID
                    $0.enterprise = firm
                    $0.applicationReceived = today.adding(days: -30).description
                    $0.kind = review ? .review : .certification
                }
            }
        )
    }

    /// Proposes, schedules and completes (passed) an audit held two days ago, with a team of its own.
    func audit(_ caseID: String, _ uscc: String) -> [(String, Envelope)] {
        let auditID = id("A")
        let start = today.adding(days: -2).chinaMidnightMilliseconds + Int64(counter % 600) * 60_000
        let slot = TimeSlot.with {
            $0.startMs = start
            $0.endMs = start + 30 * 60_000
        }
        let team = (1...2).map { number in
            Officer.with {
                $0.officerID = "\(auditID)-\(number)"
                $0.name = "Officer \(number)"
            }
        }
        return [
            (
                "xm-dongdu",
                envelope {
                    $0.auditProposed = AuditProposed.with {
                        $0.caseID = caseID
                        $0.auditID = auditID
                        $0.sites = [
                            AuditSite.with {
                                $0.name = "Head office"
                                $0.address = "Huli, Xiamen"
                                $0.customsArea = "3700"
                            }
                        ]
                        $0.slots = [slot]
                        $0.team = team
                        $0.enterpriseContact = Contact.with { $0.name = "Lin Wei" }
                    }
                }
            ),
            (
                "xm-dongdu",
                envelope {
                    $0.auditScheduled = AuditScheduled.with {
                        $0.auditID = auditID
                        $0.caseID = caseID
                        $0.slot = slot
                    }
                }
            ),
            (
                "xm-dongdu",
                envelope {
                    $0.auditCompleted = AuditCompleted.with {
                        $0.auditID = auditID
                        $0.caseID = caseID
                        $0.outcome = .passed
                    }
                }
            ),
        ]
    }

    func conclude(_ caseID: String, review: Bool) -> (String, Envelope) {
        let results: [CaseResult] =
            review
            ? [.certified, .notCertified] : [.certified, .certified, .notCertified, .terminated, .applicationWithdrawn]
        let result = pick(results)!
        return (
            "xm-dongdu",
            envelope {
                $0.caseConcluded = CaseConcluded.with {
                    $0.caseID = caseID
                    $0.result = result
                    $0.reason = "Decided."
                }
            }
        )
    }

    /// A grant from one of the granting units, under a measure it is responsible for (now and then
    /// customs under one it is not).
    func grant(_ firm: Enterprise, _ model: StandingModel) -> (String, Envelope) {
        let (granter, measure) = pick([
            ("finance-bureau", UInt32(5)), ("huli", 8), ("commerce-bureau", 12), ("xm-dongdu", 15), ("huli", 17),
            ("xm-dongdu", 5),
        ])!
        let incentiveID = id("I")
        return (
            granter,
            envelope {
                $0.incentiveGranted = IncentiveGranted.with {
                    $0.incentiveID = incentiveID
                    $0.enterprise = firm
                    $0.measure = measure
                    $0.support = "Support."
                    $0.grantedOn = today.description
                }
            }
        )
    }

    func suspension(_ uscc: String, lift: Bool) -> (String, Envelope) {
        (
            "xm-dongdu",
            envelope {
                if lift {
                    $0.suspensionLifted = SuspensionLifted.with {
                        $0.uscc = uscc
                        $0.reason = "Closed."
                    }
                } else {
                    $0.certificateSuspended = CertificateSuspended.with {
                        $0.uscc = uscc
                        $0.ground = .criminalCase
                        $0.reason = "A case was filed."
                    }
                }
            }
        )
    }

    /// A credit change from the level the model knows: down out of AEO or to dishonest, up from
    /// dishonest to regular, and now and then an upgrade into AEO (always refused).
    func publish(_ firm: Enterprise, _ state: StandingModel.Firm) -> [(String, Envelope)] {
        let from = state.level ?? "regular"
        let to: String
        switch from {
        case "advanced_certified": to = pick(["regular", "dishonest", "certified"])!
        case "certified": to = pick(["regular", "advanced_certified"])!
        case "regular": to = chance(30) ? "advanced_certified" : "dishonest"
        default: to = "regular"
        }
        let stop = StandingModel.stops(from, to)
        let down = StandingModel.rank(to) > StandingModel.rank(from)
        let serious = to.hasSuffix("dishonest")
        let changeID = id("CR")
        return [
            (
                "xm-dongdu",
                envelope {
                    $0.creditChangePublished = CreditChangePublished.with {
                        $0.changeID = changeID
                        $0.enterprise = firm
                        $0.levelSet = .order282
                        $0.fromLevel = from
                        $0.toLevel = to
                        $0.reason = "Audit finding."
                        $0.severity = serious ? .serious : .general
                        $0.effectiveDate = today.description
                        if down { $0.publicityEnd = today.adding(years: serious ? 2 : 0).adding(months: 6).description }
                        $0.stopJointIncentives = stop
                    }
                }
            )
        ]
    }

    /// A lift to the level before (or, now and then, to 常规企业), or an objection upheld.
    func lift(_ changeID: String) -> [(String, Envelope)] {
        if chance(30) {
            return [
                (
                    "huli",
                    envelope {
                        $0.creditObjectionFiled = CreditObjectionFiled.with {
                            $0.changeID = changeID
                            $0.grounds = "Misread ledger."
                        }
                    }
                ),
                (
                    "commerce-bureau",
                    envelope {
                        $0.creditObjectionDecided = CreditObjectionDecided.with {
                            $0.changeID = changeID
                            $0.decision = .changeWithdrawn
                            $0.reason = "Upheld."
                        }
                    }
                ),
            ]
        }
        let restored = chance(25) ? "regular" : ""
        return [
            (
                "commerce-bureau",
                envelope {
                    $0.creditChangeLifted = CreditChangeLifted.with {
                        $0.changeID = changeID
                        $0.reason = "Corrected."
                        $0.restoredLevel = restored
                    }
                }
            )
        ]
    }

    func repair(_ changeID: String) -> [(String, Envelope)] {
        [
            (
                "huli",
                envelope {
                    $0.creditRepairRequested = CreditRepairRequested.with {
                        $0.changeID = changeID
                        $0.grounds = "Corrected."
                    }
                }
            ),
            (
                "commerce-bureau",
                envelope {
                    $0.creditRepairDecided = CreditRepairDecided.with {
                        $0.changeID = changeID
                        $0.granted = true
                        $0.reason = "Repaired."
                    }
                }
            ),
        ]
    }
}
