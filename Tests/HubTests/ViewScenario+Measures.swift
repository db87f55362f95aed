import Coordination
import HubProtocol

// The steps of the registers: incentives, activities, cultivation plans and breach reports.
extension ViewScenario {
    mutating func nextMeasure(_ e: inout Envelope) -> (sender: String, envelope: Envelope)? {
        let granters = online(.department) + online(.district) + online(.coordinator)
        switch random.next() % 9 {
        case 7:
            guard let unit = pick(online(.district)), let office = pick(topology.ids(of: .customs)) else { return nil }
            e.serviceWindowOpened = ServiceWindowOpened.with {
                $0.windowID = id("W")
                $0.centre = "Service centre"
                $0.area = topology.units[unit]?.area ?? "350206"
                $0.office = office
                $0.openedOn = today.adding(days: -Int(random.next() % 30)).description
            }
            return (unit, e)
        case 8:
            guard let unit = pick(granters) else { return nil }
            e.priorityMattersPublished = PriorityMattersPublished.with {
                $0.items = (0...Int(random.next() % 3)).map { number in
                    PriorityMatter.with {
                        $0.matter = "Matter \(number)"
                        $0.channel = "Window \(number)"
                    }
                }
                $0.publishedOn = today.description
            }
            return (unit, e)
        case 6:
            guard let department = pick(online(.department)) else { return nil }
            e.refundProcessed = RefundProcessed.with {
                $0.recordID = id("S")
                $0.enterprise = enterprise()
                $0.appliedOn = today.adding(days: -5).description
                $0.refundedOn = today.adding(days: -Int(random.next() % 5)).description
            }
            return (department, e)
        case 4:
            guard let reporter = pick(granters) else { return nil }
            e.breachReported = BreachReported.with {
                $0.reportID = id("B")
                $0.enterprise = enterprise()
                $0.severity = pick([.minor, .general, .serious])!
                $0.facts = "Late tax filing."
                $0.foundOn = today.adding(days: -Int(random.next() % 10)).description
            }
            return (reporter, e)
        case 5:
            guard let report = pick(breaches), let office = pick(online(.customs)) else { return nil }
            let change = pick(changes.keys.sorted())
            e.breachDecided = BreachDecided.with {
                $0.reportID = report
                $0.decision = change != nil && chance(50) ? .changePublished : .dismissed
                $0.changeID = $0.decision == .changePublished ? change! : ""
                $0.reason = "Decided."
            }
            return (office, e)
        case 0:
            guard let granter = pick(granters) else { return nil }
            e.incentiveGranted = IncentiveGranted.with {
                $0.incentiveID = id("I")
                $0.enterprise = enterprise()
                $0.measure = pick([5, 8, 12, 14, 17])!
                $0.support = "Support."
                $0.grantedOn = today.adding(days: -Int(random.next() % 30)).description
            }
            return (granter, e)
        case 1:
            guard let (incentive, granter) = pick(incentives.sorted { $0.key < $1.key }).map({ ($0.key, $0.value) })
            else { return nil }
            e.incentiveStopped = IncentiveStopped.with {
                $0.incentiveID = incentive
                $0.reason = "Programme ended."
            }
            let sender = chance(80) ? granter : pick(granters) ?? granter
            return offline.contains(sender) ? nil : (sender, e)
        case 2:
            let organisers = online(.customs) + online(.district) + online(.department) + online(.association)
            guard let sender = pick(organisers) else { return nil }
            e.activityRecorded = ActivityRecorded.with {
                $0.activityID = id("T")
                $0.kind = pick([.publicity, .training, .consultation])!
                $0.title = "AEO policy session"
                $0.heldOn = today.adding(days: -Int(random.next() % 20)).description
                $0.organisers = (0..<Int(random.next() % 3)).compactMap { _ in pick(everyone) }
                $0.enterprisesReached = UInt32(random.next() % 40)
                $0.attendance = UInt32(random.next() % 120)
            }
            return (sender, e)
        default:
            if chance(50), let (plan, known) = pick(plans.sorted { $0.key < $1.key }).map({ ($0.key, $0.value) }) {
                e.planMilestoneReached = PlanMilestoneReached.with {
                    $0.planID = plan
                    $0.milestone = UInt32(1 + random.next() % UInt64(known.milestones + 1))
                }
                let sender = chance(85) ? known.office : pick(online(.customs)) ?? known.office
                return offline.contains(sender) ? nil : (sender, e)
            }
            guard let office = pick(online(.customs)) else { return nil }
            let approach = pick([PlanApproach.tailored, .groupPlus, .onePlusN])!
            let member = enterprise()
            e.planRecorded = CultivationPlanRecorded.with {
                $0.planID = id("P")
                $0.enterprise = enterprise()
                $0.approach = approach
                $0.members = approach == .tailored ? [] : [member]
                $0.milestones = (1...Int(1 + random.next() % 3)).map { number in
                    Milestone.with {
                        $0.title = "Step \(number)"
                        $0.dueDate = today.adding(days: Int(random.next() % 60) - 20).description
                    }
                }
                $0.officer = Officer.with {
                    $0.officerID = "O1"
                    $0.name = "Chen Hua"
                }
            }
            return (office, e)
        }
    }
}
