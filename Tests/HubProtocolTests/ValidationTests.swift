import Foundation
import HubProtocol
import Testing

@Suite("Validation")
struct ValidationTests {
    @Test("the USCC message names the character and the fix")
    func usccMessages() {
        #expect(
            USCC.check("91350100M000100Y4Z")
                == .invalid(
                    reason:
                        "USCC 91350100M000100Y4Z: 'Z' at position 18 is not a valid character (a USCC uses 0-9 and "
                        + "A-Y without I, O, S, V and Z)"
                ))
        guard case .invalid(let reason) = USCC.check("91350200776049663A") else {
            Issue.record("a wrong check character passed")
            return
        }
        #expect(reason.contains("should be 'B'"))
        guard case .invalid(let lower) = USCC.check("91350203ma31ndf85f") else { return }
        #expect(lower.contains("capitals"))
    }

    @Test("a Fujian pilot code is accepted with a warning")
    func pilotWarning() throws {
        var envelope = Envelope()
        envelope.messageID = "m1"
        envelope.caseOpened = CaseOpened.with {
            $0.caseID = "C1"
            $0.enterprise = Enterprise.with {
                $0.uscc = "91350211M0000XUF46"
                $0.name = "Pilot Co."
            }
            $0.applicationReceived = "2026-09-01"
        }
        let warnings = try EnvelopeValidator.validate(envelope)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("Fujian pilot") == true)
    }

    @Test("civil dates: parsing, leap years, day arithmetic and China time")
    func civilDates() throws {
        #expect(CivilDate("2026-02-29") == nil)
        #expect(CivilDate("2028-02-29") != nil)
        #expect(CivilDate("2026-9-01") == nil)
        let received = try #require(CivilDate("2026-09-01"))
        #expect(received.adding(days: 90).description == "2026-11-30")
        #expect(received.adding(days: 120).description == "2026-12-30")
        #expect(try #require(CivilDate("2028-02-29")).adding(years: 5).description == "2033-02-28")
        #expect(CivilDate(dayNumber: 0).description == "1970-01-01")
        #expect(received.days(until: received.adding(days: 365)) == 365)
        // 2026-08-31T16:00:00Z is midnight of 2026-09-01 in China.
        #expect(CivilDate(chinaTimeMilliseconds: 1_788_192_000_000).description == "2026-09-01")
        #expect(received.chinaMidnightMilliseconds == 1_788_192_000_000)
    }

    @Test("identifiers")
    func identifiers() {
        #expect(Identifier.isNodeID("xm-dongdu"))
        #expect(!Identifier.isNodeID("Dongdu"))
        #expect(!Identifier.isNodeID("-x"))
        #expect(Identifier.isRecordID("CASE-2026:0042.a_b"))
        #expect(!Identifier.isRecordID("has space"))
        #expect(!Identifier.isRecordID(String(repeating: "x", count: 65)))
    }
}
