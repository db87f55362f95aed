import Coordination
import Foundation
import HubProtocol
import ProtocolFuzzing

/// Random steps of every workflow for the test network's units: mostly what the rules allow
/// (from what the scenario has seen accepted), some that they refuse. The hub decides.
struct ViewScenario {
    var random: SplitMix64
    let topology: Topology
    let today: CivilDate
    var counter = 0
    /// Units that are offline now: they send nothing.
    var offline: Set<String> = []

    // What has been accepted so far, as far as choosing the next step needs.
    var requests: [String: (filer: String, office: String)] = [:]
    var cases: [String: (office: String, received: Int)] = [:]
    var audits: [String: (caseID: String, office: String, slots: [TimeSlot])] = [:]
    var meetings: [String: [String]] = [:]
    var actions: [String: (meeting: String, owner: String)] = [:]
    var changes: [String: String] = [:]
    var incentives: [String: String] = [:]
    var breaches: [String] = []
    var plans: [String: (office: String, milestones: Int)] = [:]

    static let usccs: [String] = (0..<8).map { index in
        let body = Array("91350206MA0000\(String(format: "%03d", index))")
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let sum = zip(body, weights).reduce(0) { $0 + alphabet.firstIndex(of: $1.0)! * $1.1 }
        return String(body) + String(alphabet[(31 - sum % 31) % 31])
    }

    init(seed: UInt64, topology: Topology, today: CivilDate) {
        random = SplitMix64(seed: seed)
        self.topology = topology
        self.today = today
    }

    mutating func pick<T>(_ items: [T]) -> T? {
        items.isEmpty ? nil : items[Int(random.next() % UInt64(items.count))]
    }
    mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
    mutating func id(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)"
    }
    func online(_ role: Role) -> [String] { topology.ids(of: role).filter { !offline.contains($0) } }
    var everyone: [String] { topology.units.keys.sorted().filter { !offline.contains($0) } }
    func slot(_ days: Int) -> TimeSlot {
        let start = today.adding(days: days).chinaMidnightMilliseconds + 9 * 3_600_000
        return TimeSlot.with {
            $0.startMs = start
            $0.endMs = start + 4 * 3_600_000
        }
    }
    mutating func enterprise() -> Enterprise {
        let uscc = pick(Self.usccs)!
        return Enterprise.with {
            $0.uscc = uscc
            $0.name = "Enterprise \(uscc.suffix(4))"
        }
    }
    private static let contact = Contact.with { $0.name = "Lin Wei" }

    /// The next step: who sends what. `nil` when the chosen kind of step has nothing to act on.
    mutating func next() -> (sender: String, envelope: Envelope)? {
        var e = Envelope()
        let coordinator = topology.ids(of: .coordinator)[0]
        switch random.next() % 27 {
        case 0, 1:
            guard let district = pick(online(.district)), let area = topology.units[district]?.area else { return nil }
            e.requestFiled = RequestFiled.with {
                $0.requestID = id("R")
                $0.enterprise = enterprise()
                $0.area = area
                $0.description_p = "Needs help."
                $0.category = pick([
                    .aeoCertificationIntent, .creditCultivation, .policyConsultation, .clearancePainPoint,
                ])!
                $0.contact = Self.contact
            }
            return (district, e)
        case 2:
            guard let (request, known) = pick(requests.sorted { $0.key < $1.key }).map({ ($0.key, $0.value) }) else {
                return nil
            }
            let office = chance(80) ? known.office : pick(online(.customs)) ?? known.office
            let handler = chance(40) ? pick(topology.ids(of: .customs))! : office
            e.requestAcknowledged = RequestAcknowledged.with {
                $0.requestID = request
                $0.handlingOffice = handler
            }
            return (office, e)
        case 3, 4:
            guard let (request, known) = pick(requests.sorted { $0.key < $1.key }).map({ ($0.key, $0.value) }) else {
                return nil
            }
            switch random.next() % 3 {
            case 0:
                e.requestProgress = RequestProgress.with {
                    $0.requestID = request
                    $0.note = "Working."
                }
            case 1:
                e.requestResolved = RequestResolved.with {
                    $0.requestID = request
                    $0.resolution = "Done."
                }
            default:
                e.requestDeclined = RequestDeclined.with {
                    $0.requestID = request
                    $0.reason = "Out of scope."
                }
            }
            return (chance(85) ? known.office : pick(online(.customs)) ?? known.office, e)
        case 5:
            guard let (request, known) = pick(requests.sorted { $0.key < $1.key }).map({ ($0.key, $0.value) }) else {
                return nil
            }
            e.requestWithdrawn = RequestWithdrawn.with {
                $0.requestID = request
                $0.reason = "Filed twice."
            }
            return (known.filer, e)
        case 6:
            guard let sender = pick(online(.district) + [coordinator]) else { return nil }
            e.cultivationRecommended = CultivationRecommended.with {
                $0.enterprise = enterprise()
                $0.reason = "Growing."
            }
            return (sender, e)
        case 7:
            guard let office = pick(online(.customs)) else { return nil }
            let uscc = pick(Self.usccs)!
            switch random.next() % 3 {
            case 0: e.cultivationListed = CultivationListed.with { $0.uscc = uscc }
            case 1:
                e.cultivationDeclined = CultivationDeclined.with {
                    $0.uscc = uscc
                    $0.reason = "Not yet."
                }
            default:
                e.cultivationRemoved = CultivationRemoved.with {
                    $0.uscc = uscc
                    $0.reason = "Breach."
                }
            }
            return (office, e)
        case 8:
            guard let office = pick(online(.customs)) else { return nil }
            let received = -Int(random.next() % 20)
            e.caseOpened = CaseOpened.with {
                $0.caseID = id("C")
                $0.enterprise = enterprise()
                $0.applicationReceived = today.adding(days: received).description
            }
            return (office, e)
        case 9:
            guard let (caseID, known) = pick(cases.sorted { $0.key < $1.key }).map({ ($0.key, $0.value) }) else {
                return nil
            }
            if chance(30) {
                e.caseExtended = CaseExtended.with {
                    $0.caseID = caseID
                    $0.reason = "Documents late."
                }
            } else {
                e.caseConcluded = CaseConcluded.with {
                    $0.caseID = caseID
                    $0.result = pick([.certified, .notCertified, .terminated])!
                }
            }
            return (known.office, e)
        case 10, 11:
            guard let (caseID, known) = pick(cases.sorted { $0.key < $1.key }).map({ ($0.key, $0.value) }) else {
                return nil
            }
            // Some audits were held already, so that cases can be certified and AEOs granted incentives.
            let first = chance(40) ? -3 : 5 + Int(random.next() % 40)
            let slots = [slot(first), slot(first + 1 + Int(random.next() % 5))]
            let areas = chance(50) ? ["3700", "3500"] : ["3700"]
            let officers = ["O\(random.next() % 6)", "P\(random.next() % 6)"]
            e.auditProposed = AuditProposed.with {
                $0.caseID = caseID
                $0.auditID = id("A")
                $0.slots = slots
                $0.enterpriseContact = Self.contact
                $0.sites = areas.map { area in
                    AuditSite.with {
                        $0.name = "Site \(area)"
                        $0.address = "Road"
                        $0.customsArea = area
                    }
                }
                $0.team = officers.map { officer in
                    Officer.with {
                        $0.officerID = officer
                        $0.name = "Officer \(officer)"
                    }
                }
            }
            return (known.office, e)
        case 12, 13:
            guard let (audit, known) = pick(audits.sorted { $0.key < $1.key }).map({ ($0.key, $0.value) }) else {
                return nil
            }
            let sender = chance(70) ? topology.ids(of: .partner)[0] : known.office
            guard !offline.contains(sender) else { return nil }
            e.auditResponded = AuditResponded.with {
                $0.auditID = audit
                $0.caseID = known.caseID
                switch random.next() % 4 {
                case 0: $0.answer = .decline
                case 1:
                    $0.answer = .counterPropose
                    $0.counterSlots = [slot(50 + Int(random.next() % 10))]
                default:
                    $0.answer = .accept
                    $0.acceptedSlots = [UInt32(random.next() % 2)]
                }
            }
            return (sender, e)
        case 14:
            guard let (audit, known) = pick(audits.sorted { $0.key < $1.key }).map({ ($0.key, $0.value) }) else {
                return nil
            }
            switch random.next() % 4 {
            case 0, 1:
                e.auditScheduled = AuditScheduled.with {
                    $0.auditID = audit
                    $0.caseID = known.caseID
                    $0.slot = pick(known.slots)!
                }
            case 2:
                e.auditCompleted = AuditCompleted.with {
                    $0.auditID = audit
                    $0.caseID = known.caseID
                    $0.outcome = .passed
                }
            default:
                e.auditCancelled = AuditCancelled.with {
                    $0.auditID = audit
                    $0.caseID = known.caseID
                    $0.reason = "Moved."
                }
            }
            return (known.office, e)
        case 15:
            var invitees: [String] = []
            for unit in topology.units.keys.sorted() where unit != coordinator && chance(35) { invitees.append(unit) }
            e.meetingConvened = MeetingConvened.with {
                $0.meetingID = id("M")
                $0.title = "Joint meeting"
                $0.invitees = invitees
                $0.time = slot(-1)
                $0.place = "Room 301"
            }
            return (coordinator, e)
        case 16:
            guard let (meeting, invitees) = pick(meetings.sorted { $0.key < $1.key }).map({ ($0.key, $0.value) }),
                let sender = pick(everyone)
            else { return nil }
            if chance(50) {
                e.agendaItemProposed = AgendaItemProposed.with {
                    $0.meetingID = meeting
                    $0.item = AgendaItem.with {
                        $0.itemID = id("I")
                        $0.title = "Item"
                    }
                }
            } else {
                e.meetingRsvp = MeetingRsvp.with {
                    $0.meetingID = meeting
                    $0.answer = .attending
                }
                return (pick(invitees.filter { !offline.contains($0) }) ?? sender, e)
            }
            return (sender, e)
        case 17:
            guard let meeting = pick(meetings.keys.sorted()) else { return nil }
            switch random.next() % 4 {
            case 0:
                e.minutesEntry = MinutesEntry.with {
                    $0.meetingID = meeting
                    $0.entryID = id("E")
                    $0.text = "Noted."
                }
            case 1:
                e.decisionRecorded = DecisionRecorded.with {
                    $0.meetingID = meeting
                    $0.decisionID = id("D")
                    $0.text = "Agreed."
                }
            case 2:
                e.meetingClosed = MeetingClosed.with {
                    $0.meetingID = meeting
                    $0.summary = "Closed."
                }
            default:
                e.actionItemAssigned = ActionItemAssigned.with {
                    $0.meetingID = meeting
                    $0.actionID = id("T")
                    $0.ownerUnit = pick(topology.units.keys.sorted())!
                    $0.dueDate = today.adding(days: Int(random.next() % 20) - 10).description
                    $0.text = "Follow up."
                }
            }
            return (coordinator, e)
        case 18:
            guard let (action, known) = pick(actions.sorted { $0.key < $1.key }).map({ ($0.key, $0.value) }) else {
                return nil
            }
            e.actionItemProgress = ActionItemProgress.with {
                $0.meetingID = known.meeting
                $0.actionID = action
                $0.status = pick([.inProgress, .done, .blocked])!
            }
            let sender = chance(80) ? known.owner : coordinator
            return offline.contains(sender) ? nil : (sender, e)
        case 19:
            guard let office = pick(online(.customs)) else { return nil }
            e.creditChangePublished = CreditChangePublished.with {
                $0.changeID = id("CR")
                $0.enterprise = enterprise()
                $0.levelSet = .order282
                // Mostly AEO to regular (which stops incentives); sometimes another move, from
                // whatever level, which the hub judges against the enterprise's current level.
                let levels = LevelSet.order282.levels.map(\.id)
                $0.fromLevel = chance(70) ? "advanced_certified" : pick(levels)!
                $0.toLevel = chance(70) ? "regular" : pick(levels)!
                $0.reason = "Breach"
                $0.severity = .general
                $0.effectiveDate = today.description
                $0.publicityEnd = today.adding(months: 6).description
                $0.stopJointIncentives = LevelSet.order282.stopsIncentives(from: $0.fromLevel, to: $0.toLevel)
            }
            return (office, e)
        case 20, 21:
            guard let change = pick(changes.keys.sorted()), let sender = pick(everyone) else { return nil }
            if chance(10), let publisher = changes[change], !offline.contains(publisher) {
                e.creditChangeLifted = CreditChangeLifted.with {
                    $0.changeID = change
                    $0.reason = "Repaired."
                }
                return (publisher, e)
            }
            e.creditChangeConfirmed = CreditChangeConfirmed.with { $0.changeID = change }
            return (sender, e)
        case 23...26:
            return nextMeasure(&e)
        default:
            guard let sender = pick(everyone) else { return nil }
            let period = ReportPeriodText.containing(chance(70) ? today : today.adding(days: -70))
            e.progressReport = ProgressReport.with {
                $0.period = period
                $0.text = "Progress."
                $0.figures = [
                    Figure.with {
                        $0.name = "visits"
                        $0.value = Int64(random.next() % 9)
                    }
                ]
            }
            return (sender, e)
        }
    }

    /// Remembers what an accepted step created.
    mutating func accepted(_ envelope: Envelope, from sender: String) {
        switch envelope.payload {
        case .requestFiled(let m):
            requests[m.requestID] = (sender, topology.responsibleCustoms(forArea: m.area) ?? sender)
        case .requestAcknowledged(let m): requests[m.requestID]?.office = m.handlingOffice
        case .caseOpened(let m): cases[m.caseID] = (sender, 0)
        case .auditProposed(let m): audits[m.auditID] = (m.caseID, sender, m.slots)
        case .auditResponded(let m): audits[m.auditID]?.slots += m.counterSlots
        case .meetingConvened(let m): meetings[m.meetingID] = m.invitees
        case .actionItemAssigned(let m): actions[m.actionID] = (m.meetingID, m.ownerUnit)
        case .creditChangePublished(let m): changes[m.changeID] = sender
        case .incentiveGranted(let m): incentives[m.incentiveID] = sender
        case .breachReported(let m): breaches.append(m.reportID)
        case .planRecorded(let m): plans[m.planID] = (sender, m.milestones.count)
        default: break
        }
    }
}

/// The bimonthly period text for a day, e.g. `2026-11/2026-12`.
enum ReportPeriodText {
    static func containing(_ date: CivilDate) -> String {
        let first = date.month % 2 == 1 ? date.month : date.month - 1
        return String(format: "%04d-%02d/%04d-%02d", date.year, first, date.year, first + 1)
    }
}
