import HubProtocol

// The views of certificates, the incentive register, activities and cultivation plans (protocol 1.2).
extension CoordinationState {
    func certificateRows(_ request: ViewRequest, _ today: CivilDate) -> [(key: String, row: CertificateRow)] {
        certificates.values.filter { matches($0.uscc, request.uscc) && (!request.openOnly || $0.status != .withdrawn) }
            .map { record in
                let row = CertificateRow.with {
                    $0.enterprise = Enterprise.with {
                        $0.uscc = record.uscc
                        $0.name = record.name
                    }
                    $0.caseID = record.caseID
                    $0.office = record.office
                    $0.certifiedOn = "\(record.certifiedOn)"
                    $0.reviewDue = "\(record.reviewDue)"
                    $0.status = record.status.rawValue
                    $0.ground = record.ground
                    $0.reviewOverdue = record.isReviewOverdue(on: today)
                    $0.openReview = record.openReview ?? ""
                }
                return (record.uscc, row)
            }
    }

    func incentiveRows(_ request: ViewRequest, _ unit: String) -> [(key: String, row: IncentiveRow)] {
        incentives.values.filter {
            sees($0.participants, unit) && matches($0.uscc, request.uscc) && (!request.openOnly || $0.stoppedAt == nil)
        }.map { record in
            let row = IncentiveRow.with {
                $0.incentiveID = record.id
                $0.enterprise = Enterprise.with {
                    $0.uscc = record.uscc
                    $0.name = record.enterpriseName
                }
                $0.granter = record.granter
                $0.measure = record.measure
                $0.support = record.support
                $0.grantedOn = "\(record.grantedOn)"
                $0.status = status(of: record)
                $0.stoppedBy = record.stoppedBy ?? ""
                $0.stoppedAtMs = record.stoppedAt ?? 0
            }
            return (record.id, row)
        }
    }

    func activityRows(_ unit: String) -> [(key: String, row: ActivityRow)] {
        activities.values.filter { sees($0.participants, unit) }.map { record in
            let row = ActivityRow.with {
                $0.activityID = record.id
                $0.kind = record.kind
                $0.title = record.title
                $0.heldOn = "\(record.heldOn)"
                $0.organisers = record.organisers
                $0.enterprisesReached = record.enterprisesReached
                $0.attendance = record.attendance
            }
            return (record.id, row)
        }
    }

    func planRows(_ request: ViewRequest, _ unit: String, _ today: CivilDate) -> [(key: String, row: PlanRow)] {
        plans.values.filter {
            sees($0.participants, unit) && matches($0.enterprise.uscc, request.uscc)
                && (!request.openOnly || $0.reached.count < $0.milestones.count)
        }.map { record in
            let row = PlanRow.with {
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
            return (record.id, row)
        }
    }

    /// Presence from the log; the projection adds each unit's delivery cursor and backlog.
    func unitRows(_ unit: String) -> [(key: String, row: UnitRow)] {
        topology.units.values.filter { seesEverything(unit) || $0.id == unit }.map { member in
            let row = UnitRow.with {
                $0.unit = member.id
                $0.name = member.name
                $0.role = member.role.rawValue
                $0.online = presence[member.id]?.online ?? false
                $0.presenceChangedMs = presence[member.id]?.at ?? 0
            }
            return (member.id, row)
        }
    }
}
