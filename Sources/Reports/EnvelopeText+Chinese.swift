import HubProtocol

extension EnvelopeText {
    /// The type's Chinese name in brackets, then what the payload says, in Chinese: statuses,
    /// answers, levels and severities in the words of `Terms.swift`; ids, names and free text as sent.
    static func chineseSummary(_ envelope: Envelope) -> String {
        let type = envelope.messageType.flatMap { Terms.messageTypes[$0] }.map { "【\($0)】" } ?? ""
        return (type + chineseDetail(envelope)).trimmingTrailingSpaces()
    }

    /// Slots by their number in the proposal, from 1: "第1、2时段".
    static func chineseSlotNumbers(_ indexes: [UInt32]) -> String {
        indexes.isEmpty ? "" : "第\(indexes.map { String($0 + 1) }.joined(separator: "、"))时段"
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private static func chineseDetail(_ envelope: Envelope) -> String {
        let zh = Language.zh
        switch envelope.payload {
        case .requestFiled(let m):
            return "\(m.requestID) \(m.enterprise.name)（\(m.enterprise.uscc)），区域 \(m.area)，"
                + "\(m.category.label(zh))：\(m.description_p)"
        case .requestAcknowledged(let m): return "\(m.requestID) 由 \(m.handlingOffice) 承办 \(m.note)"
        case .requestProgress(let m): return "\(m.requestID)：\(m.note)"
        case .requestResolved(let m): return "\(m.requestID) 已办结：\(m.resolution)"
        case .requestDeclined(let m): return "\(m.requestID) 已退回：\(m.reason)"
        case .requestWithdrawn(let m): return "\(m.requestID) 已撤回 \(m.reason)"
        case .cultivationRecommended(let m): return "\(m.enterprise.name)（\(m.enterprise.uscc)）：\(m.reason)"
        case .cultivationListed(let m): return "\(m.uscc) 列入培育清单 \(m.note)"
        case .cultivationDeclined(let m): return "\(m.uscc) 未列入：\(m.reason)"
        case .cultivationRemoved(let m): return "\(m.uscc) 移出培育清单：\(m.reason)"
        case .caseOpened(let m): return "\(m.caseID) \(m.enterprise.name)，申请受理日期 \(m.applicationReceived)"
        case .caseExtended(let m): return "\(m.caseID) 延长30天：\(m.reason)"
        case .auditProposed(let m):
            let sites = m.sites.map { "\($0.name)［关区 \($0.customsArea)］" }.joined(separator: "、")
            let slots = m.slots.enumerated().map { "\($0.offset + 1):\(slot($0.element))" }.joined(separator: "；")
            return "\(m.auditID)（案件 \(m.caseID)）：地点 \(sites)；候选时段 \(slots)；认证组 "
                + m.team.map(\.name).joined(separator: "、")
        case .auditResponded(let m):
            return "\(m.auditID)：\(m.answer.label(zh)) \(chineseSlotNumbers(m.acceptedSlots)) \(m.note)"
        case .auditScheduled(let m): return "\(m.auditID) 定于 \(slot(m.slot))"
        case .auditRescheduled(let m): return "\(m.auditID) 改至 \(slot(m.slot))：\(m.reason)"
        case .auditCancelled(let m): return "\(m.auditID) 已取消：\(m.reason)"
        case .auditCompleted(let m): return "\(m.auditID) 已完成：\(m.outcome.label(zh)) \(m.findings)"
        case .caseConcluded(let m): return "\(m.caseID)：\(m.result.label(zh)) \(m.reason)"
        case .reviewDue(let m): return "\(m.uscc) 复核到期 \(m.dueDate)"
        case .meetingConvened(let m):
            return "\(m.meetingID)“\(m.title)”，\(m.place)，\(slot(m.time))；受邀 \(m.invitees.joined(separator: "、"))"
        case .agendaItemProposed(let m): return "\(m.meetingID) 议题 \(m.item.itemID)：\(m.item.title)"
        case .meetingRsvp(let m):
            return "\(m.meetingID)：\(m.answer.label(zh))\(m.delegate.isEmpty ? "" : "（\(m.delegate)）")"
        case .attendanceRecorded(let m):
            return "\(m.meetingID) 出席：\(m.present.joined(separator: "、"))；缺席：\(m.absent.joined(separator: "、"))"
        case .minutesEntry(let m): return "\(m.meetingID) 纪要 \(m.entryID)：\(m.text)"
        case .decisionRecorded(let m): return "\(m.meetingID) 议定事项 \(m.decisionID)：\(m.text)"
        case .actionItemAssigned(let m): return "\(m.actionID) 交 \(m.ownerUnit) 办理，\(m.dueDate) 前完成：\(m.text)"
        case .actionItemProgress(let m): return "\(m.actionID)：\(m.status.label(zh)) \(m.note)"
        case .meetingClosed(let m): return "\(m.meetingID) 会议结束。\(m.summary)"
        case .creditChangePublished(let m):
            let set = m.levelSet.chineseName ?? m.levelSet.title
            return "\(m.changeID) \(m.enterprise.name)（\(m.enterprise.uscc)）"
                + "\(m.levelSet.levelName(m.fromLevel, zh)) -> \(m.levelSet.levelName(m.toLevel, zh))（\(set)），"
                + "情节\(m.severity.label(zh))，\(m.effectiveDate) 起生效\(m.stopJointIncentives ? "；停止联合激励" : "")"
        case .creditChangeConfirmed(let m): return "\(m.changeID) 已确认停止联合激励 \(m.note)"
        case .creditChangeLifted(let m): return "\(m.changeID) 已撤销：\(m.reason)"
        case .progressReport(let m):
            return "\(m.period) 报告：\(m.figures.map { "\($0.name)=\($0.value)" }.joined(separator: "、"))"
        case .nodePresence(let m): return "\(m.nodeID) \(m.online ? "上线" : "下线")（\(m.reason)）"
        case nil: return "（本版本不认识的消息类型）"
        default: return chineseMeasures(envelope)
        }
    }

    /// The messages protocol 1.2 added.
    private static func chineseMeasures(_ envelope: Envelope) -> String {
        let zh = Language.zh
        switch envelope.payload {
        case .certificateSuspended(let m): return "\(m.uscc) 暂停适用（\(m.ground.label(zh))）：\(m.reason)"
        case .suspensionLifted(let m): return "\(m.uscc) 恢复适用：\(m.reason)"
        case .planRecorded(let m):
            return "\(m.planID) \(m.enterprise.name)（\(m.approach.label(zh))），成员 \(m.members.count) 家，"
                + "节点 \(m.milestones.count) 个，负责关员 \(m.officer.name)"
        case .planMilestoneReached(let m): return "\(m.planID) 第\(m.milestone)个节点完成 \(m.note)"
        case .creditObjectionFiled(let m): return "\(m.changeID) 提出异议：\(m.grounds)"
        case .creditObjectionDecided(let m): return "\(m.changeID) 异议复核：\(m.decision.label(zh))，\(m.reason)"
        case .creditRepairRequested(let m): return "\(m.changeID) 申请信用修复：\(m.grounds)"
        case .creditRepairDecided(let m): return "\(m.changeID) 信用修复\(m.granted ? "准予" : "不予")：\(m.reason)"
        case .incentiveGranted(let m):
            return
                "\(m.incentiveID) \(m.enterprise.name)（\(m.enterprise.uscc)），措施\(m.measure)，\(m.grantedOn)：\(m.support)"
        case .incentiveStopped(let m): return "\(m.incentiveID) 停止：\(m.reason)"
        case .activityRecorded(let m):
            return "\(m.activityID) \(m.kind.label(zh))“\(m.title)”，\(m.heldOn)，覆盖企业 \(m.enterprisesReached) 家，"
                + "参加 \(m.attendance) 人次"
        case .customsContactAssigned(let m):
            return "\(m.uscc) \(m.duty == .liaison ? "专人对接" : "企业协调员")：\(m.officer.name)（\(m.officer.officerID)）"
        case .breachReported(let m):
            return "\(m.reportID) \(m.enterprise.name)（\(m.enterprise.uscc)）\(m.severity.label(zh))失信，\(m.foundOn) 发现："
                + m.facts
        case .breachDecided(let m):
            return "\(m.reportID) \(m.decision == .changePublished ? "已发布信用调整 \(m.changeID)" : "不予调整")：\(m.reason)"
        case .toleranceAccepted(let m):
            return "\(m.recordID) \(m.enterprise.name)（\(m.enterprise.uscc)）容缺受理：\(m.matter)，承诺 \(m.commitmentDue) 前补齐"
        case .toleranceFulfilled(let m): return "\(m.recordID) 容缺材料已补齐 \(m.receivedOn)"
        case .fxBatchDeclared(let m):
            return "\(m.recordID) \(m.enterprise.name)（\(m.enterprise.uscc)）\(m.month) 外汇集中申报，\(m.declaredOn)"
        case .refundProcessed(let m):
            return "\(m.recordID) \(m.enterprise.name)（\(m.enterprise.uscc)）出口退税 \(m.appliedOn) 申请，\(m.refundedOn) 办结"
        case .serviceWindowOpened(let m):
            return "\(m.windowID) \(m.centre)（\(m.area)）AEO 服务专窗开设，\(m.office) 派驻，\(m.openedOn)"
        case .serviceWindowClosed(let m): return "\(m.windowID) 专窗关闭 \(m.closedOn)：\(m.reason)"
        case .priorityMattersPublished(let m):
            return "优先办理事项清单 \(m.publishedOn)：" + m.items.map { "\($0.matter)（\($0.channel)）" }.joined(separator: "；")
        default: return "（本版本不认识的消息类型）"
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        guard utf8.last == UInt8(ascii: " ") else { return self }
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
