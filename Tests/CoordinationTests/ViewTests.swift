import Coordination
import HubProtocol
import Testing

/// Views without sockets: paging by rows and by bytes, and filters a view does not apply.
@Suite("Views of the one state")
struct ViewTests {
    static let topology = Topology(units: [
        Unit(id: "commerce-bureau", role: .coordinator, name: "Commerce Bureau"),
        Unit(id: "huli", role: .district, name: "Huli", area: "350206", customsOffice: "xm-dongdu"),
        Unit(id: "xm-dongdu", role: .customs, name: "Dongdu Customs"),
    ])

    /// A meeting with `count` action items of `textLength` characters each, owned by huli.
    static func state(actions count: Int, textLength: Int, order: [Int]? = nil) throws -> CoordinationState {
        var state = CoordinationState(topology: topology)
        let slot = TimeSlot.with {
            $0.startMs = 1_790_000_000_000
            $0.endMs = 1_790_003_600_000
        }
        _ = try state.admit(
            Envelope.with {
                $0.meetingConvened = MeetingConvened.with {
                    $0.meetingID = "M1"
                    $0.title = "t"
                    $0.invitees = ["huli"]
                    $0.time = slot
                    $0.place = "p"
                }
            }, from: "commerce-bureau", at: 1_790_000_000_000)
        for index in order ?? Array(0..<count) {
            _ = try state.admit(
                Envelope.with {
                    $0.actionItemAssigned = ActionItemAssigned.with {
                        $0.meetingID = "M1"
                        $0.actionID = "A\(1000 + index)"
                        $0.ownerUnit = "huli"
                        $0.dueDate = "2026-12-01"
                        $0.text = String(repeating: "x", count: textLength)
                    }
                }, from: "commerce-bureau", at: 1_790_000_000_000)
        }
        return state
    }

    @Test("pages follow after_key to the end, each under the byte budget, every row once")
    func paging() throws {
        let state = try Self.state(actions: 250, textLength: 4000)
        var request = ViewRequest.with {
            $0.kind = .actions
            $0.pageSize = 1000
        }
        var seen: [String] = []
        var pages = 0
        repeat {
            let view = state.view(request, for: "huli", on: CivilDate(year: 2026, month: 11, day: 29)!)
            #expect(view.code == .unspecified)
            #expect(view.total == 250)
            #expect(try (view.serializedBytes() as [UInt8]).count < 1 << 20)
            seen += view.actions.map(\.actionID)
            request.afterKey = view.nextKey
            pages += 1
        } while !request.afterKey.isEmpty && pages < 10
        #expect(pages > 1, "250 rows of 4,000 characters do not fit one page")
        #expect(seen == (0..<250).map { "A\(1000 + $0)" })
        // Small rows: page_size rules.
        let small = try Self.state(actions: 12, textLength: 10).view(
            ViewRequest.with {
                $0.kind = .actions
                $0.pageSize = 5
            }, for: "huli", on: CivilDate(year: 2026, month: 11, day: 29)!)
        #expect(small.actions.count == 5 && small.nextKey == "A1004")
    }

    @Test("a page builds only its own rows; a listing of everything looks only at its own (issue 14)")
    func pageCostsItsRows() throws {
        let today = CivilDate(year: 2026, month: 11, day: 29)!
        for count in [200, 2000] {
            // Filed out of order (7919 is prime, so this is a permutation): the listing order is kept by
            // inserting, not only appending.
            let order = (0..<count).map { $0 * 7919 % count }
            let state = try Self.state(actions: count, textLength: 10, order: order)
            for unit in ["commerce-bureau", "huli"] {
                var request = ViewRequest.with {
                    $0.kind = .actions
                    $0.pageSize = 7
                }
                var seen: [String] = []
                var work = ViewWork()
                repeat {
                    request.requestID = "page-\(seen.count)"
                    let before = work
                    let view = state.view(request, for: unit, on: today, work: &work)
                    #expect(view.total == UInt32(count))
                    seen += view.actions.map(\.actionID)
                    request.afterKey = view.nextKey
                    #expect(work.rowsBuilt - before.rowsBuilt == view.actions.count)
                    if unit == "commerce-bureau" {
                        // Its 7 rows and the one that shows another page follows: never the whole listing.
                        #expect(work.recordsVisited - before.recordsVisited <= 8)
                    }
                } while !request.afterKey.isEmpty
                #expect(seen == (0..<count).map { "A\(1000 + $0)" })
                #expect(work.rowsBuilt == count)
            }
        }
    }

    @Test("a filter the view does not apply is refused, not ignored; an oversized page too")
    func filters() throws {
        let state = try Self.state(actions: 1, textLength: 10)
        let refused = state.view(
            ViewRequest.with {
                $0.kind = .requests
                $0.caseID = "C1"
            }, for: "huli", on: CivilDate(year: 2026, month: 11, day: 29)!)
        #expect(refused.code == .invalidField && refused.reason.contains("case_id does not filter this view"))
        #expect(refused.requests.isEmpty)
        let tooBig = state.view(
            ViewRequest.with {
                $0.kind = .actions
                $0.pageSize = 5000
            }, for: "huli", on: CivilDate(year: 2026, month: 11, day: 29)!)
        #expect(tooBig.code == .invalidField)
        let outsider = state.view(
            ViewRequest.with { $0.kind = .actions }, for: "xm-dongdu", on: CivilDate(year: 2026, month: 11, day: 29)!)
        #expect(outsider.actions.isEmpty && outsider.total == 0)
    }

    @Test("a stored record with a bad date is refused by the fold, not a crash")
    func badDates() {
        var state = CoordinationState(topology: Self.topology)
        let enterprise = Enterprise.with {
            $0.uscc = "91350200776049653A"
            $0.name = "X"
        }
        for envelope in [
            Envelope.with {
                $0.sender = "xm-dongdu"
                $0.caseOpened = CaseOpened.with {
                    $0.caseID = "C9"
                    $0.enterprise = enterprise
                    $0.applicationReceived = "2026-13-45"
                }
            },
            Envelope.with {
                $0.sender = "xm-dongdu"
                $0.creditChangePublished = CreditChangePublished.with {
                    $0.changeID = "CR9"
                    $0.enterprise = enterprise
                    $0.effectiveDate = "soon"
                }
            },
        ] {
            #expect(state.fold(envelope) == false)
        }
        #expect(state.cases.isEmpty && state.creditChanges.isEmpty)
    }
}
