import Foundation
import HubProtocol

// The words officials read, in Chinese, keyed by the identifiers the protocol and the views use
// (the English word people read is the identifier itself). Listings, replay and the report look
// them up through `Language`; the command line accepts the Chinese names as input.

/// The vocabularies of the views' string values, of roles, flags, column titles and message types.
public enum Terms {
    /// Request statuses, by `RequestRow.status`.
    public static let requestStatuses: [String: String] = [
        "filed": "已提交", "acknowledged": "已受理", "in_progress": "办理中", "resolved": "已办结",
        "declined": "已退回", "withdrawn": "已撤回",
    ]

    /// Certification case statuses, by `CaseRow.status`.
    public static let caseStatuses: [String: String] = [
        "open": "办理中", "certified": "已认证", "not_certified": "未通过认证", "terminated": "已终止",
    ]

    /// Certificate statuses, by `CertificateRow.status`.
    public static let certificateStatuses: [String: String] = ["valid": "有效", "suspended": "暂停适用", "withdrawn": "已撤销"]

    /// Why an enterprise is barred from applying, by `EnterpriseRow.bar_reason`.
    public static let barReasons: [String: String] = [
        "failed_certification": "未通过认证", "failed_review": "复核未通过", "application_withdrawn": "撤回认证申请",
        "downgraded": "信用等级下调",
    ]

    /// Kinds of service given to an AEO, by `ServiceRow.kind`.
    public static let serviceKinds: [String: String] = [
        "tolerance": "容缺受理", "fx_batch": "外汇集中申报", "refund": "出口退税",
    ]

    /// Breach report statuses, by `BreachRow.status`.
    public static let breachStatuses: [String: String] = [
        "open": "待处理", "change_published": "已发布信用调整", "dismissed": "不予调整",
    ]

    /// Incentive statuses, by `IncentiveRow.status`.
    public static let incentiveStatuses: [String: String] = ["active": "有效", "must_stop": "应停止", "stopped": "已停止"]

    /// On-site audit statuses, by `AuditRow.status`.
    public static let auditStatuses: [String: String] = [
        "proposed": "待确认", "scheduled": "已排期", "cancelled": "已取消", "completed": "已完成",
    ]

    /// Cultivation key list statuses, by `CultivationRow.status`.
    public static let cultivationStatuses: [String: String] = [
        "recommended": "已推荐", "listed": "已列入", "declined": "未列入", "removed": "已移出",
    ]

    /// Units' roles, by the topology's role names (`department` included).
    public static let roles: [String: String] = [
        "customs": "海关", "partner": "合作海关", "district": "区政府", "zone": "管委会", "coordinator": "协调单位",
        "association": "商协会", "department": "部门",
    ]

    /// The words the listings show for a set flag, by the English word.
    public static let flags: [String: String] = [
        "OVERDUE": "逾期", "with Fuzhou": "与福州海关联合", "extended": "已延期", "closed": "已结束",
        "CONFIRM": "须确认", "lifted": "已撤销", "REVIEW OVERDUE": "逾期未复核", "priority": "优先",
        "listed": "已列入", "CONFIRM OVERDUE": "确认逾期", "on time": "按时",
    ]

    /// Listing column titles, by the English title (which also names the column's JSON key).
    public static let columns: [String: String] = [
        "Request": "诉求编号", "Enterprise": "企业", "USCC": "统一社会信用代码", "Area": "区域", "Category": "类别",
        "Status": "状态", "Office": "承办海关", "Filed": "提交日期", "Age days": "已历天数", "Overdue": "逾期",
        "Duplicate of": "疑似重复", "Recommended by": "推荐单位", "Updated": "更新日期", "Case": "认证案件",
        "Received": "受理日期", "Deadline": "办结时限", "Extended": "延期", "Days left": "剩余天数",
        "Joint": "联合认证", "Review due": "复核日期", "Audit": "实地认证", "Slots": "候选时段",
        "Scheduled": "已定时段", "Accepted": "已接受", "Waiting for": "待答复", "Team": "认证组",
        "Meeting": "会议", "Title": "名称", "When": "时间", "Place": "地点", "Invitees": "受邀单位",
        "Agenda items": "议题", "Minutes": "纪要", "Decisions": "议定事项", "Closed": "已结束",
        "Action": "交办事项", "Owner": "责任单位", "Due": "完成时限", "Text": "内容", "Change": "信用调整",
        "Levels": "信用等级", "Severity": "情节", "Effective": "生效日期", "Confirmed": "已确认",
        "Pending": "未确认单位", "You owe": "本单位待确认", "Lifted": "已撤销", "Kind": "类型", "Priority": "优先",
        "Objection": "异议", "Repair": "信用修复", "Publicity end": "公示截止", "Ground": "理由",
        "Certified on": "认证日期", "Review overdue": "逾期未复核", "Open review": "在办复核", "Incentive": "激励编号",
        "Granter": "给予单位", "Measure": "措施", "Support": "内容", "Granted on": "给予日期", "Stopped by": "停止依据",
        "Stopped on": "停止日期", "Activity": "活动编号", "Held on": "举办日期", "Organisers": "主办单位",
        "Enterprises": "覆盖企业", "Attendance": "参加人次", "Plan": "方案编号", "Approach": "培育模式",
        "Members": "成员企业", "Milestones": "节点", "Next due": "下一节点", "Officer": "负责关员",
        "Certificate": "认证类别", "Validity": "认证状态", "Barred until": "禁止申请至", "Bar reason": "禁止原因",
        "Key list": "信用培育重点名单", "Open case": "在办案件", "Open plan": "在办培育方案", "Active": "有效激励", "Must stop": "应停止激励",
        "Stopped": "已停止激励", "Must stop at": "应停止单位", "Coordinator": "企业协调员", "Liaison": "专人对接",
        "Report": "报送编号", "Reporter": "报送单位", "Found on": "发现日期", "Pushed to platform": "推送信用平台",
        "Decided by": "处理海关", "Facts": "违法失信事实", "Confirm by": "确认时限", "Confirm overdue": "确认逾期",
        "Record": "记录编号", "Unit": "单位", "Subject": "事项", "Missing": "待补材料", "Started": "受理日期",
        "Done": "办结日期", "On time": "按时", "Working days": "工作日", "Window": "专窗编号", "Centre": "政务服务中心",
        "Opened by": "开设单位", "Opened on": "开设日期", "Closed on": "关闭日期", "Published on": "公布日期",
        "Matters": "优先办理事项",
    ]

    /// Message types, as replay and `listen --notify` name them.
    public static let messageTypes: [MessageType: String] = [
        .requestFiled: "提交诉求", .requestAcknowledged: "受理诉求", .requestProgress: "诉求进展",
        .requestResolved: "办结诉求", .requestDeclined: "退回诉求", .requestWithdrawn: "撤回诉求",
        .cultivationRecommended: "推荐培育", .cultivationListed: "列入信用培育重点名单", .cultivationDeclined: "不予列入",
        .cultivationRemoved: "移出信用培育重点名单", .caseOpened: "认证立案", .caseExtended: "延长时限",
        .auditProposed: "提出实地认证", .auditResponded: "答复实地认证", .auditScheduled: "确定认证时段",
        .auditRescheduled: "调整认证时段", .auditCancelled: "取消实地认证", .auditCompleted: "完成实地认证",
        .caseConcluded: "认证办结", .reviewDue: "复核到期", .meetingConvened: "召集联席会议",
        .agendaItemProposed: "提出议题", .meetingRsvp: "回复参会", .attendanceRecorded: "记录出席",
        .minutesEntry: "会议纪要", .decisionRecorded: "议定事项", .actionItemAssigned: "交办事项",
        .actionItemProgress: "事项进展", .meetingClosed: "会议结束", .creditChangePublished: "发布信用调整",
        .creditChangeConfirmed: "确认停止激励", .creditChangeLifted: "撤销信用调整", .progressReport: "双月报告",
        .nodePresence: "节点上下线", .planRecorded: "培育方案", .planMilestoneReached: "方案节点完成",
        .certificateSuspended: "暂停适用", .suspensionLifted: "恢复适用", .creditObjectionFiled: "提出异议",
        .creditObjectionDecided: "异议复核", .creditRepairRequested: "申请信用修复", .creditRepairDecided: "信用修复决定",
        .incentiveGranted: "给予激励", .incentiveStopped: "停止激励", .activityRecorded: "宣传培训活动",
        .customsContactAssigned: "指定海关联系人", .breachReported: "推送失信信息", .breachDecided: "失信信息处理",
        .toleranceAccepted: "容缺受理", .toleranceFulfilled: "容缺补齐", .fxBatchDeclared: "外汇集中申报",
        .refundProcessed: "出口退税办结", .serviceWindowOpened: "开设服务专窗", .serviceWindowClosed: "关闭服务专窗",
        .priorityMattersPublished: "公布优先办理事项",
    ]

    /// The bimonthly report's figures, by `section.name`.
    public static let figures: [String: String] = [
        "requests.filed": "新提交", "requests.resolved": "办结", "requests.declined": "退回",
        "requests.withdrawn": "撤回", "requests.open_at_end": "期末未办结", "requests.overdue_at_end": "期末逾期",
        "cases.opened": "立案", "cases.certified": "通过认证", "cases.not_certified": "未通过认证",
        "cases.terminated": "终止", "cases.open_at_end": "期末在办", "cases.past_deadline_at_end": "期末超时限",
        "audits.scheduled": "排期", "audits.held": "完成", "audits.held_joint": "其中联合认证",
        "meetings.convened": "召开", "meetings.decisions": "议定事项", "actions.assigned": "交办",
        "actions.due_in_period": "本期到期", "actions.done": "完成", "actions.overdue_at_end": "期末逾期",
        "credit.published": "发布", "credit.confirmations": "确认停止激励", "credit.lifted": "撤销",
        "credit.pending_confirmations_at_end": "期末未确认", "cultivation.recommended": "推荐",
        "cultivation.listed": "列入", "cultivation.declined": "未列入", "cultivation.removed": "移出",
        "cultivation.listed_at_end": "期末在册", "reports.filed": "已报送", "reports.missing": "未报送",
        "reviews.opened": "复核立案", "reviews.passed": "复核通过", "reviews.failed": "复核未通过",
        "reviews.suspended": "暂停适用", "reviews.certificates_at_end": "期末在册认证企业",
        "reviews.overdue_at_end": "期末逾期未复核", "credit.objections": "异议", "credit.repairs": "信用修复申请",
        "credit.answers_overdue_at_end": "期末逾期未答复", "incentives.granted": "给予激励",
        "incentives.active_at_end": "期末有效", "incentives.must_stop_at_end": "期末应停未停",
        "incentives.stopped_at_end": "期末已停止", "activities.held": "举办活动",
        "activities.enterprises_reached": "覆盖企业", "activities.attendance": "参加人次", "plans.recorded": "制定方案",
        "plans.milestones_reached": "完成节点", "plans.overdue_at_end": "期末逾期方案",
    ]
}

// MARK: - The protocol's enums, by case

extension RequestCategory {
    /// Request categories in Chinese.
    public static let chineseNames: [RequestCategory: String] = [
        .aeoCertificationIntent: "AEO认证意向", .creditCultivation: "信用培育", .policyConsultation: "政策咨询",
        .clearancePainPoint: "通关堵点",
    ]
}

extension ActionStatus {
    /// Action item statuses in Chinese.
    public static let chineseNames: [ActionStatus: String] = [.inProgress: "推进中", .done: "已完成", .blocked: "受阻"]
}

extension Severity {
    /// Severities of a credit change in Chinese.
    public static let chineseNames: [Severity: String] = [.minor: "轻微", .general: "一般", .serious: "严重"]
}

extension AuditAnswer {
    /// Answers to an audit proposal in Chinese.
    public static let chineseNames: [AuditAnswer: String] = [.accept: "接受", .decline: "不接受", .counterPropose: "另提时段"]
}

extension AuditOutcome {
    /// Outcomes of a held audit in Chinese.
    public static let chineseNames: [AuditOutcome: String] = [
        .passed: "通过", .passedWithFindings: "通过但需整改", .failed: "未通过",
    ]
}

extension CaseResult {
    /// Results of a concluded case in Chinese (as the case's status reads).
    public static let chineseNames: [CaseResult: String] = [
        .certified: "已认证", .notCertified: "未通过认证", .terminated: "已终止", .applicationWithdrawn: "撤回认证申请",
    ]
}

extension RsvpAnswer {
    /// Answers to a meeting invitation in Chinese.
    public static let chineseNames: [RsvpAnswer: String] = [.attending: "出席", .declined: "请假", .delegate: "委派代表"]
}

extension LevelSet {
    /// The credit level sets in Chinese, by the customs order that defines them.
    public static let chineseNames: [LevelSet: String] = [.order251: "251号令", .order282: "282号令"]

    /// The level whose identifier (`advanced_certified`; case and `-` do not matter) or Chinese
    /// name (高级认证企业) is `text`, in this set.
    public func level(named text: String) -> CreditLevel? {
        let wanted = text.trimmingCharacters(in: .whitespaces)
        let identifier = wanted.lowercased().replacingOccurrences(of: "-", with: "_")
        return levels.first { $0.id == identifier || $0.name == wanted }
    }

    /// The levels for help and error messages: "advanced_certified (高级认证企业), ... or dishonest (失信企业)".
    public var levelList: String {
        Terms.list(levels.map { "\($0.id) (\($0.name))" })
    }

    /// The level's name in `language`: 高级认证企业 or `advanced_certified`.
    public func levelName(_ id: String, _ language: Language) -> String {
        language == .zh ? level(id)?.name ?? id : id
    }
}

extension Terms {
    /// "a, b or c".
    static func list(_ items: [String]) -> String {
        items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
    }

    /// The level identifier a Chinese name or identifier means in any shipped level set, for a
    /// command that names a level without its set (a lift's restored level).
    public static func levelID(named text: String) -> String? {
        [LevelSet.order282, .order251].lazy.compactMap { $0.level(named: text)?.id }.first
    }
}
