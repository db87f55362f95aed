import HubProtocol

// The views built from each enterprise's standing (certificates since 1.2, enterprises since 1.4)
// and the breach reports (since 1.4).
extension CoordinationState {
    func certificateRow(
        _ request: ViewRequest, _ today: CivilDate
    ) -> ListingRule<EnterpriseStanding, CertificateRow> {
        ListingRule(
            includes: { standing in
                guard let certificate = standing.certificate else { return false }
                return matches(standing.uscc, request.uscc) && (!request.openOnly || certificate.status != .withdrawn)
            },
            row: { standing in
                let record = standing.certificate!
                return CertificateRow.with {
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
            })
    }

    /// Every unit sees every standing; who must still stop an incentive is for customs and the coordinator.
    func enterpriseRow(
        _ request: ViewRequest, _ unit: String, _ today: CivilDate
    ) -> ListingRule<EnterpriseStanding, EnterpriseRow> {
        let seesHolders = [.coordinator, .customs].contains(topology.units[unit]?.role)
        let held = { (standing: EnterpriseStanding) in standing.incentives.compactMap { incentives[$0] } }
        return ListingRule(
            includes: { standing in
                matches(standing.uscc, request.uscc)
                    && (!request.barred || standing.bar(on: today) != nil)
                    && (!request.suspended || standing.certificate?.status == .suspended)
                    && (!request.mustStop || held(standing).contains { $0.status == "must_stop" })
            },
            row: { standing in
                let incentives = held(standing)
                let mustStop = incentives.filter { $0.status == "must_stop" }
                let listed = cultivation[standing.uscc].flatMap { $0.status == .listed ? $0 : nil }
                return EnterpriseRow.with {
                    $0.enterprise = Enterprise.with {
                        $0.uscc = standing.uscc
                        $0.name = standing.name
                    }
                    if let certificate = standing.certificate {
                        $0.certificate = certificate.grade
                        $0.certifiedUnder = certificate.levelSet
                        $0.validity = certificate.status.rawValue
                        $0.certifiedOn = "\(certificate.certifiedOn)"
                        $0.suspendedOn = certificate.suspendedOn.map { "\($0)" } ?? ""
                        $0.withdrawnOn = certificate.withdrawnOn.map { "\($0)" } ?? ""
                    }
                    $0.levels = standing.levels.sorted { $0.key.rawValue < $1.key.rawValue }.map { set, level in
                        CreditLevelHeld.with {
                            $0.levelSet = set
                            $0.level = level.level
                            $0.setBy = level.changeID
                        }
                    }
                    if let bar = standing.bar(on: today) {
                        $0.barredUntil = "\(bar.until)"
                        $0.barReason = bar.reason.rawValue
                        $0.barRef = bar.ref
                    }
                    $0.onKeyList = listed != nil
                    $0.keyListCategory = listed?.category ?? .unspecified
                    $0.openCase = standing.openCase ?? ""
                    $0.openPlan = standing.openPlan ?? ""
                    $0.incentivesActive = UInt32(incentives.filter { $0.status == "active" }.count)
                    $0.incentivesMustStop = UInt32(mustStop.count)
                    $0.incentivesStopped = UInt32(incentives.filter { $0.status == "stopped" }.count)
                    if seesHolders { $0.mustStopHolders = Array(Set(mustStop.map(\.granter))).sorted() }
                    if let contact = standing.enterpriseContact { $0.enterpriseContact = contact }
                    if let coordinator = standing.coordinator { $0.coordinator = coordinator }
                    if let liaison = standing.liaison { $0.liaison = liaison }
                    $0.aeo = standing.isAEO
                }
            })
    }

    func breachRow(_ request: ViewRequest, _ unit: String) -> ListingRule<BreachRecord, BreachRow> {
        let sees = seer(unit)
        return ListingRule(
            includes: {
                sees($0.participants) && matches($0.uscc, request.uscc) && (!request.openOnly || $0.status == .open)
            },
            row: { record in
                BreachRow.with {
                    $0.reportID = record.id
                    $0.enterprise = Enterprise.with {
                        $0.uscc = record.uscc
                        $0.name = record.enterpriseName
                    }
                    $0.reporter = record.reporter
                    $0.severity = record.severity
                    $0.facts = record.facts
                    $0.foundOn = "\(record.foundOn)"
                    $0.platformPushedOn = record.platformPushedOn.map { "\($0)" } ?? ""
                    $0.status = record.status.rawValue
                    $0.changeID = record.changeID ?? ""
                    $0.decidedBy = record.decidedBy ?? ""
                    $0.reportedAtMs = record.reportedAt
                }
            })
    }

    func serviceRow(
        _ request: ViewRequest, _ unit: String, _ today: CivilDate
    ) -> ListingRule<ServiceRecord, ServiceRow> {
        let sees = seer(unit)
        return ListingRule(
            includes: {
                sees($0.participants) && matches($0.uscc, request.uscc)
                    && (!request.openOnly || ($0.kind == .tolerance && $0.doneOn == nil))
            },
            row: { record in
                ServiceRow.with {
                    $0.recordID = record.id
                    $0.kind = record.kind.rawValue
                    $0.enterprise = Enterprise.with {
                        $0.uscc = record.uscc
                        $0.name = record.enterpriseName
                    }
                    $0.unit = record.unit
                    $0.subject = record.subject
                    $0.missing = record.missing
                    $0.startedOn = record.startedOn.map { "\($0)" } ?? ""
                    $0.due = record.due.map { "\($0)" } ?? ""
                    $0.doneOn = record.doneOn.map { "\($0)" } ?? ""
                    $0.overdue = record.isOverdue(on: today)
                    $0.onTime = record.isOnTime
                    $0.workingDays = UInt32(record.workingDays ?? 0)
                }
            })
    }

    /// Every unit sees every service window; `open_only` leaves out closed ones.
    func windowRow(_ request: ViewRequest) -> ListingRule<WindowRecord, WindowRow> {
        ListingRule(
            includes: { !request.openOnly || $0.closedOn == nil },
            row: { record in
                WindowRow.with {
                    $0.windowID = record.id
                    $0.centre = record.centre
                    $0.area = record.area
                    $0.office = record.office
                    $0.openedBy = record.openedBy
                    $0.openedOn = "\(record.openedOn)"
                    $0.closedOn = record.closedOn.map { "\($0)" } ?? ""
                }
            })
    }

    /// Every unit sees every unit's latest list.
    func prioritiesRow() -> ListingRule<PriorityMattersRecord, PriorityMattersRow> {
        ListingRule(
            includes: { _ in true },
            row: { record in
                PriorityMattersRow.with {
                    $0.unit = record.unit
                    $0.publishedOn = "\(record.publishedOn)"
                    $0.items = record.items
                }
            })
    }
}
