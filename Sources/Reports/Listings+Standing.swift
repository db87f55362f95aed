import HubProtocol

// The listings of protocol 1.4: each enterprise's AEO standing, the breach reports and the services given
// to AEOs.
extension Listings {
    /// Each enterprise's standing: the certificate and its validity, levels, the bar, the key list,
    /// the incentives it holds (active, must stop, stopped) and who must still stop one.
    public var enterprises: Table {
        var table = self.table([
            "Enterprise", "USCC", "Certificate", "Validity", "Levels", "Barred until", "Bar reason", "Key list",
            "Open case", "Open plan", "Active", "Must stop", "Stopped", "Must stop at", "Coordinator", "Liaison",
        ])
        for item in view.enterprises {
            let levels = item.levels.map { held in
                let name = language == .zh ? held.levelSet.level(held.level)?.name ?? held.level : held.level
                return "\(held.levelSet.label): \(name)"
            }
            table.append([
                .text(item.enterprise.name), .text(item.enterprise.uscc),
                level(item.certificate, in: item.certifiedUnder),
                .word(item.validity, Terms.certificateStatuses, language),
                Cell(levels.joined(separator: "; "), json: .object(levelsJSON(item.levels))),
                .day(item.barredUntil), .word(item.barReason, Terms.barReasons, language),
                flag(item.onKeyList, "listed"), .text(item.openCase), .text(item.openPlan),
                .int(Int(item.incentivesActive)),
                .int(Int(item.incentivesMustStop)), .int(Int(item.incentivesStopped)), .list(item.mustStopHolders),
                .text(officer(item.coordinator)), .text(officer(item.liaison)),
            ])
        }
        return table
    }

    /// Breach reports: who reported what, and what customs decided.
    public var breaches: Table {
        var table = self.table([
            "Report", "Enterprise", "USCC", "Reporter", "Severity", "Found on", "Pushed to platform", "Status",
            "Change", "Decided by", "Facts",
        ])
        for item in view.breaches {
            table.append([
                .text(item.reportID), .text(item.enterprise.name), .text(item.enterprise.uscc), .text(item.reporter),
                .chosen(item.severity, language), .day(item.foundOn), .day(item.platformPushedOn),
                .word(item.status, Terms.breachStatuses, language), .text(item.changeID), .text(item.decidedBy),
                .text(item.facts),
            ])
        }
        return table
    }

    /// Services given to AEOs: 容缺 acceptances with their due day and whether the materials are late,
    /// FX batch declarations by the 5th, and export refunds with their working days.
    public var services: Table {
        var table = self.table([
            "Record", "Kind", "Enterprise", "USCC", "Unit", "Subject", "Missing", "Started", "Due", "Done", "Overdue",
            "On time", "Working days",
        ])
        for item in view.services {
            table.append([
                .text(item.recordID), .word(item.kind, Terms.serviceKinds, language), .text(item.enterprise.name),
                .text(item.enterprise.uscc), .text(item.unit), .text(item.subject), .text(item.missing),
                .day(item.startedOn), .day(item.due), .day(item.doneOn), flag(item.overdue, "OVERDUE"),
                flag(item.onTime, "on time"),
                item.kind == "refund" ? .int(Int(item.workingDays)) : Cell("", json: .null),
            ])
        }
        return table
    }

    /// AEO service windows (measure 17): where, who staffs them, open or closed.
    public var windows: Table {
        var table = self.table(["Window", "Centre", "Area", "Office", "Opened by", "Opened on", "Closed on"])
        for item in view.windows {
            table.append([
                .text(item.windowID), .text(item.centre), .text(item.area), .text(item.office), .text(item.openedBy),
                .day(item.openedOn), .day(item.closedOn),
            ])
        }
        return table
    }

    /// Each unit's latest list of priority matters (measure 19), one matter and its channel per line.
    public var priorityMatters: Table {
        var table = self.table(["Unit", "Published on", "Matters"])
        for item in view.priorityMatters {
            let matters = item.items.map { "\($0.matter) (\($0.channel))" }
            let json = JSONValue.array(
                item.items.map { .object(["matter": .string($0.matter), "channel": .string($0.channel)]) })
            table.append([.text(item.unit), .day(item.publishedOn), Cell(matters.joined(separator: "; "), json: json)])
        }
        return table
    }

    private func level(_ id: String, in set: LevelSet) -> Cell {
        let name = language == .zh ? set.level(id)?.name : nil
        return Cell(name ?? id, json: .optional(id))
    }

    private func levelsJSON(_ levels: [CreditLevelHeld]) -> [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: levels.map { ($0.levelSet.jsonName, .string($0.level)) })
    }

    private func officer(_ officer: Officer) -> String {
        officer.name.isEmpty ? "" : "\(officer.name) (\(officer.officerID))"
    }
}
