import HubProtocol

// Each enterprise's standing, the breach reports and the services to and from state.proto (SPEC.md 12,
// layout 3).

extension EnterpriseStanding {
    var stored: StoredStanding {
        StoredStanding.with {
            $0.uscc = uscc
            $0.name = name
            if let certificate { $0.certificate = certificate.stored }
            $0.levels = Dictionary(
                uniqueKeysWithValues: levels.map { set, level in
                    (
                        Int32(set.rawValue),
                        StoredLevel.with {
                            $0.level = level.level
                            $0.changeID = level.changeID
                        }
                    )
                })
            if let bar {
                $0.barredUntil = bar.until.description
                $0.barReason = bar.reason.rawValue
                $0.barRef = bar.ref
            }
            if let openCase { $0.openCase = openCase }
            $0.openPlans = openPlans
            $0.incentives = incentives
            if let enterpriseContact { $0.enterpriseContact = enterpriseContact }
            if let coordinator { $0.coordinator = coordinator }
            if let liaison { $0.liaison = liaison }
        }
    }

    init(stored s: StoredStanding) throws {
        self.init(uscc: s.uscc, name: s.name)
        certificate = s.hasCertificate ? try CertificateRecord(stored: s.certificate) : nil
        for (number, level) in s.levels {
            guard let set = LevelSet(rawValue: Int(number)), set != .unspecified else {
                throw StoredStateError(description: "standing level set \(number) is not one this hub knows")
            }
            levels[set] = CurrentLevel(level: level.level, changeID: level.changeID)
        }
        if s.hasBarredUntil {
            guard let reason = Bar.Reason(rawValue: s.barReason) else {
                throw StoredStateError(description: "standing bar_reason \"\(s.barReason)\" is not one this hub knows")
            }
            bar = Bar(until: try civilDate(s.barredUntil, "standing barred_until"), reason: reason, ref: s.barRef)
        }
        openCase = s.hasOpenCase ? s.openCase : nil
        openPlans = s.openPlans
        incentives = s.incentives
        enterpriseContact = s.hasEnterpriseContact ? s.enterpriseContact : nil
        coordinator = s.hasCoordinator ? s.coordinator : nil
        liaison = s.hasLiaison ? s.liaison : nil
    }
}

extension StopCause {
    /// The cause stored as `kind` and `ref`; `nil` for an empty kind.
    init?(stored kind: String, ref: String) throws {
        guard !kind.isEmpty else { return nil }
        guard let known = Kind(rawValue: kind) else {
            throw StoredStateError(description: "incentive stop_cause \"\(kind)\" is not one this hub knows")
        }
        self.init(kind: known, ref: ref)
    }
}

extension BreachRecord {
    var stored: StoredBreach {
        StoredBreach.with {
            $0.id = id
            $0.uscc = uscc
            $0.enterpriseName = enterpriseName
            $0.reporter = reporter
            $0.severity = severity
            $0.facts = facts
            $0.foundOn = foundOn.description
            if let platformPushedOn { $0.platformPushedOn = platformPushedOn.description }
            $0.status = status.rawValue
            if let changeID { $0.changeID = changeID }
            if let decidedBy { $0.decidedBy = decidedBy }
            $0.reportedAtMs = reportedAt
            $0.participants = Array(participants)
        }
    }

    init(stored s: StoredBreach) throws {
        self.init(
            id: s.id, uscc: s.uscc, enterpriseName: s.enterpriseName, reporter: s.reporter, severity: s.severity,
            facts: s.facts, foundOn: try civilDate(s.foundOn, "breach found_on"),
            platformPushedOn: try civilDate(s.platformPushedOn, present: s.hasPlatformPushedOn, "breach pushed_on"),
            reportedAt: s.reportedAtMs)
        guard let known = Status(rawValue: s.status) else {
            throw StoredStateError(description: "breach status \"\(s.status)\" is not one this hub knows")
        }
        status = known
        changeID = s.hasChangeID ? s.changeID : nil
        decidedBy = s.hasDecidedBy ? s.decidedBy : nil
        participants = Set(s.participants)
    }
}

extension ServiceRecord {
    var stored: StoredService {
        StoredService.with {
            $0.id = id
            $0.kind = kind.rawValue
            $0.uscc = uscc
            $0.enterpriseName = enterpriseName
            $0.unit = unit
            $0.subject = subject
            $0.missing = missing
            if let startedOn { $0.startedOn = startedOn.description }
            if let due { $0.due = due.description }
            if let doneOn { $0.doneOn = doneOn.description }
            $0.participants = Array(participants)
        }
    }

    init(stored s: StoredService) throws {
        guard let kind = Kind(rawValue: s.kind) else {
            throw StoredStateError(description: "service kind \"\(s.kind)\" is not one this hub knows")
        }
        self.init(
            id: s.id, kind: kind, uscc: s.uscc, enterpriseName: s.enterpriseName, unit: s.unit, subject: s.subject,
            missing: s.missing, startedOn: try civilDate(s.startedOn, present: s.hasStartedOn, "service started_on"),
            due: try civilDate(s.due, present: s.hasDue, "service due"),
            doneOn: try civilDate(s.doneOn, present: s.hasDoneOn, "service done_on"), participants: Set(s.participants))
    }
}

extension WindowRecord {
    var stored: StoredWindow {
        StoredWindow.with {
            $0.id = id
            $0.centre = centre
            $0.area = area
            $0.office = office
            $0.openedBy = openedBy
            $0.openedOn = openedOn.description
            if let closedOn { $0.closedOn = closedOn.description }
        }
    }

    init(stored s: StoredWindow) throws {
        self.init(
            id: s.id, centre: s.centre, area: s.area, office: s.office, openedBy: s.openedBy,
            openedOn: try civilDate(s.openedOn, "window opened_on"),
            closedOn: try civilDate(s.closedOn, present: s.hasClosedOn, "window closed_on"))
    }
}

extension PriorityMattersRecord {
    var stored: StoredPriorityMatters {
        StoredPriorityMatters.with {
            $0.unit = unit
            $0.publishedOn = publishedOn.description
            $0.items = items
        }
    }

    init(stored s: StoredPriorityMatters) throws {
        self.init(
            unit: s.unit, publishedOn: try civilDate(s.publishedOn, "priority matters published_on"), items: s.items)
    }
}
