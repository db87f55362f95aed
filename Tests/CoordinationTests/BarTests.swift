import Coordination
import HubProtocol
import Testing

/// The one-year bar to the day, on the hub's clock: refused the day before it ends, accepted on it,
/// for every kind of end (a failed certification, a termination, a downgrade), 29 February included.
@Suite("The one-year bar")
struct BarTests {
    typealias W = WorkflowTests
    static let firm = Enterprise.with {
        $0.uscc = "91350200776049653A"
        $0.name = "E"
    }

    static func open(_ id: String, received: CivilDate) -> Envelope {
        W.envelope {
            $0.caseOpened = CaseOpened.with {
                $0.caseID = id
                $0.enterprise = firm
                $0.applicationReceived = received.description
            }
        }
    }

    /// A minor downgrade out of the AEO levels, effective on `day`.
    static func downgrade(on day: CivilDate) -> Envelope {
        W.envelope {
            $0.creditChangePublished = CreditChangePublished.with {
                $0.changeID = "CR1"
                $0.enterprise = firm
                $0.levelSet = .order282
                $0.fromLevel = "advanced_certified"
                $0.toLevel = "regular"
                $0.reason = "breach"
                $0.severity = .minor
                $0.effectiveDate = day.description
                $0.stopJointIncentives = true
            }
        }
    }

    static func at(_ day: CivilDate) -> Int64 { day.chinaMidnightMilliseconds + 10 * 3_600_000 }

    @Test(
        "a bar holds until a year on, to the day",
        arguments: [
            ("2026-09-01", CaseResult.notCertified, "2027-09-01"), ("2027-03-15", .applicationWithdrawn, "2028-03-15"),
            ("2028-02-29", .notCertified, "2029-02-28"), ("2026-12-08", .unspecified, "2027-12-08"),
        ])
    func toTheDay(start: String, ending: CaseResult, expectedEnd: String) throws {
        let day = CivilDate(start)!
        var state = CoordinationState(topology: Topology(units: W.units))
        if ending == .unspecified {
            // A downgrade out of the AEO levels bars from its effective date.
            _ = try state.admit(Self.downgrade(on: day), from: "dongdu", at: Self.at(day))
        } else {
            _ = try state.admit(Self.open("C1", received: day), from: "dongdu", at: Self.at(day))
            _ = try state.admit(
                W.envelope {
                    $0.caseConcluded = CaseConcluded.with {
                        $0.caseID = "C1"
                        $0.result = ending
                    }
                }, from: "dongdu", at: Self.at(day))
        }
        let end = CivilDate(expectedEnd)!
        #expect(state.standings[Self.firm.uscc]?.bar(on: end.adding(days: -1))?.until == end)
        #expect(state.standings[Self.firm.uscc]?.bar(on: end) == nil)
        let early = end.adding(days: -1)
        let refused = #expect(throws: Refusal.self) {
            try state.admit(Self.open("C2", received: early), from: "dongdu", at: Self.at(early))
        }
        #expect(
            refused?.reason.contains("it may apply again from \(expectedEnd)") == true, "\(String(describing: refused))"
        )
        _ = try state.admit(Self.open("C3", received: end), from: "dongdu", at: Self.at(end))
        #expect(state.standings[Self.firm.uscc]?.openCase == "C3")
    }

    @Test("a log written before 1.4 folds whole: its records meet bars and withdrawals 1.4 adds without loss")
    func olderLogFoldsWhole() throws {
        let day = CivilDate("2026-05-04")!
        func stamped(_ envelope: Envelope, _ sequence: UInt64, from sender: String = "dongdu") -> Envelope {
            var envelope = envelope
            envelope.sender = sender
            envelope.sequence = sequence
            envelope.acceptedAtMs = Self.at(day.adding(days: Int(sequence)))
            return envelope
        }
        // A 1.3 hub accepted these: a downgrade out of AEO (1.4 bars and withdraws on it), then a new
        // application within the year and a suspension of the certificate 1.3 left in force.
        let records = [
            stamped(Self.open("C1", received: day), 1),
            stamped(
                W.envelope {
                    $0.caseConcluded = CaseConcluded.with {
                        $0.caseID = "C1"
                        $0.result = .applicationWithdrawn
                    }
                }, 2),
            stamped(Self.downgrade(on: day), 3),
            stamped(Self.open("C2", received: day.adding(days: 10)), 4),
            stamped(
                W.envelope {
                    $0.certificateSuspended = CertificateSuspended.with {
                        $0.uscc = Self.firm.uscc
                        $0.ground = .criminalCase
                    }
                }, 5),
        ]
        var state = CoordinationState(topology: Topology(units: W.units))
        for record in records {
            let kept = state.fold(record)
            #expect(kept, "record \(record.sequence) was dropped")
        }
        #expect(state.standings[Self.firm.uscc]?.openCase == "C2")
        #expect(state.cases["C2"] != nil)
    }
}
