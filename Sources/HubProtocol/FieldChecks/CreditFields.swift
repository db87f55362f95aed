// Field rules of the credit messages (SPEC.md 5 and 8).
extension FieldCheck {
    mutating func creditFields(_ payload: Envelope.OneOf_Payload, _ p: String) throws(Refusal) {
        switch payload {
        case .creditChangePublished(let m):
            try recordID(m.changeID, "\(p).change_id")
            try enterprise(m.enterprise, present: m.hasEnterprise, "\(p).enterprise")
            try chosen(m.levelSet, unspecified: .unspecified, "\(p).level_set", "ORDER_251, ORDER_282")
            let levels = m.levelSet.levels.map(\.id).joined(separator: ", ")
            guard m.levelSet.level(m.fromLevel) != nil else {
                throw fail(
                    "\(p).from_level", "'\(m.fromLevel)' is not a level of \(m.levelSet.title); use one of \(levels)")
            }
            guard m.levelSet.level(m.toLevel) != nil else {
                throw fail(
                    "\(p).to_level", "'\(m.toLevel)' is not a level of \(m.levelSet.title); use one of \(levels)")
            }
            guard m.fromLevel != m.toLevel else {
                throw fail("\(p).to_level", "is the same as from_level; nothing changes")
            }
            try required(m.reason, "\(p).reason", max: TextLimit.long)
            try chosen(m.severity, unspecified: .unspecified, "\(p).severity", "MINOR, GENERAL, SERIOUS")
            try known(m.severity, "\(p).severity")
            let effective = try date(m.effectiveDate, "\(p).effective_date")
            let end = m.publicityEnd.isEmpty ? nil : try date(m.publicityEnd, "\(p).publicity_end")
            if let end, end <= effective {
                throw fail("\(p).publicity_end", "must be after effective_date \(effective)")
            }
            try creditDirection(m, effective: effective, publicityEnd: end, p)
        case .creditChangeConfirmed(let m):
            try recordID(m.changeID, "\(p).change_id")
            try optionalText(m.note, "\(p).note", max: TextLimit.long)
        case .creditChangeLifted(let m):
            try recordID(m.changeID, "\(p).change_id")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
        case .creditObjectionFiled(let m):
            try recordID(m.changeID, "\(p).change_id")
            try required(m.grounds, "\(p).grounds", max: TextLimit.long)
        case .creditObjectionDecided(let m):
            try recordID(m.changeID, "\(p).change_id")
            try chosen(m.decision, unspecified: .unspecified, "\(p).decision", "CHANGE_STANDS, CHANGE_WITHDRAWN")
            try known(m.decision, "\(p).decision")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
        case .creditRepairRequested(let m):
            try recordID(m.changeID, "\(p).change_id")
            try required(m.grounds, "\(p).grounds", max: TextLimit.long)
        case .creditRepairDecided(let m):
            try recordID(m.changeID, "\(p).change_id")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
            if !m.granted, !m.restoredLevel.isEmpty {
                throw fail("\(p).restored_level", "only a granted repair restores a level")
            }
        case .breachReported(let m):
            try recordID(m.reportID, "\(p).report_id")
            try enterprise(m.enterprise, present: m.hasEnterprise, "\(p).enterprise")
            try chosen(m.severity, unspecified: .unspecified, "\(p).severity", "MINOR, GENERAL, SERIOUS")
            try known(m.severity, "\(p).severity")
            try required(m.facts, "\(p).facts", max: TextLimit.long)
            _ = try date(m.foundOn, "\(p).found_on")
            if !m.platformPushedOn.isEmpty { _ = try date(m.platformPushedOn, "\(p).platform_pushed_on") }
        case .breachDecided(let m):
            try recordID(m.reportID, "\(p).report_id")
            try chosen(m.decision, unspecified: .unspecified, "\(p).decision", "CHANGE_PUBLISHED, DISMISSED")
            try known(m.decision, "\(p).decision")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
            if m.decision == .changePublished {
                try recordID(m.changeID, "\(p).change_id")
            } else if !m.changeID.isEmpty {
                throw fail("\(p).change_id", "only a CHANGE_PUBLISHED decision names a credit change")
            }
        default:
            break
        }
    }

    /// Publicity periods by severity and the incentives rule of a change's direction (SPEC.md 6.4).
    func creditDirection(
        _ m: CreditChangePublished, effective: CivilDate, publicityEnd: CivilDate?, _ p: String
    ) throws(Refusal) {
        let set = m.levelSet
        let toName = set.level(m.toLevel)?.name ?? m.toLevel
        guard set.isDowngrade(from: m.fromLevel, to: m.toLevel) else {
            if m.stopJointIncentives {
                throw fail(
                    "\(p).stop_joint_incentives", "an upgrade to \(toName) cannot stop joint incentives; leave it unset"
                )
            }
            return
        }
        if set.stopsIncentives(from: m.fromLevel, to: m.toLevel), !m.stopJointIncentives {
            throw fail(
                "\(p).stop_joint_incentives",
                "a downgrade to \(toName) stops every joint incentive (measure 20): set it, so that every granting "
                    + "unit confirms"
            )
        }
        if m.severity == .minor, publicityEnd != nil {
            throw fail(
                "\(p).publicity_end", "a minor breach (轻微) is not published: leave publicity_end empty")
        }
        let bounds: (min: CivilDate, max: CivilDate, words: String)
        switch m.severity {
        case .general: bounds = (effective.adding(months: 3), effective.adding(years: 1), "3 months to 1 year")
        case .serious: bounds = (effective.adding(years: 1), effective.adding(years: 3), "1 to 3 years")
        default: return
        }
        let severity = m.severity == .general ? "a general breach (一般)" : "a serious breach (严重)"
        guard let publicityEnd else {
            throw fail(
                "\(p).publicity_end", "\(severity) is published for \(bounds.words): give the publicity end date")
        }
        guard publicityEnd >= bounds.min, publicityEnd <= bounds.max else {
            throw fail(
                "\(p).publicity_end",
                "\(severity) is published for \(bounds.words) after \(effective): end it from \(bounds.min) to "
                    + "\(bounds.max), not \(publicityEnd)"
            )
        }
    }
}
