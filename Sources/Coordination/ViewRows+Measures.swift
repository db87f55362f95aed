import HubProtocol

// The views of the incentive register, activities and cultivation plans (protocol 1.2).
extension CoordinationState {
    func incentiveRow(_ request: ViewRequest, _ unit: String) -> ListingRule<IncentiveRecord, IncentiveRow> {
        let sees = seer(unit)
        return ListingRule(
            includes: {
                sees($0.participants) && matches($0.uscc, request.uscc) && (!request.openOnly || $0.stoppedAt == nil)
            },
            row: { record in
                IncentiveRow.with {
                    $0.incentiveID = record.id
                    $0.enterprise = Enterprise.with {
                        $0.uscc = record.uscc
                        $0.name = record.enterpriseName
                    }
                    $0.granter = record.granter
                    $0.measure = record.measure
                    $0.support = record.support
                    $0.grantedOn = "\(record.grantedOn)"
                    $0.status = record.status
                    $0.stoppedBy = record.stoppedBy ?? ""
                    $0.stoppedAtMs = record.stoppedAt ?? 0
                    $0.stopCause = record.stopCause?.kind.rawValue ?? ""
                    $0.stopRef = record.stopCause?.ref ?? ""
                }
            })
    }

    func activityRow(_ unit: String) -> ListingRule<ActivityRecord, ActivityRow> {
        let sees = seer(unit)
        return ListingRule(
            includes: { sees($0.participants) },
            row: { record in
                ActivityRow.with {
                    $0.activityID = record.id
                    $0.kind = record.kind
                    $0.title = record.title
                    $0.heldOn = "\(record.heldOn)"
                    $0.organisers = record.organisers
                    $0.enterprisesReached = record.enterprisesReached
                    $0.attendance = record.attendance
                }
            })
    }

    func planRow(_ request: ViewRequest, _ unit: String, _ today: CivilDate) -> ListingRule<PlanRecord, PlanRow> {
        let sees = seer(unit)
        return ListingRule(
            includes: {
                sees($0.participants) && matches($0.enterprise.uscc, request.uscc)
                    && (!request.openOnly || $0.reached.count < $0.milestones.count)
            },
            row: { record in
                PlanRow.with {
                    $0.planID = record.id
                    $0.enterprise = record.enterprise
                    $0.approach = record.approach
                    $0.members = record.members
                    $0.milestones = record.milestones
                    $0.reached = record.reached
                    $0.officer = record.officer
                    $0.office = record.office
                    $0.overdue = record.isOverdue(on: today)
                }
            })
    }

    /// Presence from the log; the projection adds each unit's delivery cursor and backlog.
    func unitRow(_ unit: String) -> ListingRule<Unit, UnitRow> {
        let everything = seesEverything(unit)
        return ListingRule(
            includes: { everything || $0.id == unit },
            row: { member in
                UnitRow.with {
                    $0.unit = member.id
                    $0.name = member.name
                    $0.role = member.role.rawValue
                    $0.online = presence[member.id]?.online ?? false
                    $0.presenceChangedMs = presence[member.id]?.at ?? 0
                }
            })
    }
}
