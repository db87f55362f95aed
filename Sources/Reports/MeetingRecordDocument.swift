import Coordination
import HubProtocol
import Mustache

/// A joint meeting's record (纪要) as a printable document, from the meeting's records in the log:
/// when and where, who was invited, the agenda, attendance and answers, the minutes, the decisions
/// and the action items with their latest progress.
public struct MeetingRecordDocument: Sendable {
    public let records: [Envelope]
    public let topology: Topology
    public let language: Language

    /// The document of the meeting that `records` (in log order) are about.
    public init(records: [Envelope], topology: Topology, language: Language = .zh) {
        self.records = records
        self.topology = topology
        self.language = language
    }

    /// The meeting a record is about, if any (action items by their meeting id).
    public static func meetingID(of envelope: Envelope) -> String? {
        switch envelope.payload {
        case .meetingConvened(let m): m.meetingID
        case .agendaItemProposed(let m): m.meetingID
        case .meetingRsvp(let m): m.meetingID
        case .attendanceRecorded(let m): m.meetingID
        case .minutesEntry(let m): m.meetingID
        case .decisionRecorded(let m): m.meetingID
        case .actionItemAssigned(let m): m.meetingID
        case .actionItemProgress(let m): m.meetingID
        case .meetingClosed(let m): m.meetingID
        default: nil
        }
    }

    private func say(_ zh: String, _ en: String) -> String { language.pick(zh, en) }
    private func name(_ unit: String) -> String { UnitNames.display(topology.units[unit]?.name ?? unit, language) }
    private func names(_ units: [String]) -> String { units.map(name).joined(separator: language == .zh ? "、" : ", ") }

    /// The document in HTML.
    public var html: String {
        (try? MustacheTemplate(string: Self.template))?.render(context) ?? ""
    }

    private var context: [String: Any] {
        var convened: MeetingConvened?
        var agenda: [[String: String]] = []
        var answers: [[String: String]] = []
        var present: [String] = []
        var absent: [String] = []
        var minutes: [[String: String]] = []
        var decisions: [[String: String]] = []
        var actions: [String: [String: String]] = [:]
        var order: [String] = []
        var summary = ""
        var closed = false
        for envelope in records {
            switch envelope.payload {
            case .meetingConvened(let m):
                convened = m
                agenda += m.agenda.map {
                    [
                        "id": $0.itemID, "title": $0.title,
                        "by": name($0.proposer.isEmpty ? envelope.sender : $0.proposer),
                    ]
                }
            case .agendaItemProposed(let m):
                agenda.append(["id": m.item.itemID, "title": m.item.title, "by": name(envelope.sender)])
            case .meetingRsvp(let m):
                answers.append([
                    "unit": name(envelope.sender),
                    "answer": m.answer.label(language) + (m.delegate.isEmpty ? "" : " (\(m.delegate))"),
                ])
            case .attendanceRecorded(let m):
                present = m.present
                absent = m.absent
            case .minutesEntry(let m): minutes.append(["id": m.entryID, "text": m.text])
            case .decisionRecorded(let m): decisions.append(["id": m.decisionID, "text": m.text])
            case .actionItemAssigned(let m):
                order.append(m.actionID)
                actions[m.actionID] = [
                    "id": m.actionID, "owner": name(m.ownerUnit), "due": m.dueDate, "text": m.text,
                    "status": ActionStatus.inProgress.label(language),
                ]
            case .actionItemProgress(let m):
                actions[m.actionID]?["status"] = m.status.label(language) + (m.note.isEmpty ? "" : "：\(m.note)")
            case .meetingClosed(let m):
                summary = m.summary
                closed = true
            default: break
            }
        }
        let title = convened?.title ?? ""
        let when = convened.map { EnvelopeText.slot($0.time) } ?? ""
        return [
            "lang": say("zh-CN", "en"),
            "title": say("联席会议纪要：\(title)", "Record of the joint meeting: \(title)"),
            "facts": [
                ["label": say("会议编号", "Meeting"), "value": convened?.meetingID ?? ""],
                ["label": say("时间", "When"), "value": when],
                ["label": say("地点", "Where"), "value": convened?.place ?? ""],
                ["label": say("受邀单位", "Invited"), "value": names(convened?.invitees ?? [])],
                ["label": say("出席", "Present"), "value": names(present)],
                ["label": say("缺席", "Absent"), "value": names(absent)],
            ],
            "agendaTitle": say("议题", "Agenda"), "agenda": agenda,
            "answersTitle": say("参会回复", "Answers"), "answers": answers,
            "minutesTitle": say("会议记录", "Minutes"), "minutes": minutes,
            "decisionsTitle": say("议定事项", "Decisions"), "decisions": decisions,
            "actionsTitle": say("交办事项", "Action items"), "actions": order.compactMap { actions[$0] },
            "ownerLabel": say("责任单位", "owner"), "dueLabel": say("完成时限", "due"),
            "statusLabel": say("进展", "status"),
            "summary": summary, "closed": closed, "summaryTitle": say("会议结束", "Closed"),
        ]
    }

    static let template = """
        <!doctype html>
        <html lang="{{lang}}"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,"><title>{{title}}</title>
        <style>
        @page{size:A4;margin:18mm 16mm}
        body{font-family:"Noto Serif CJK SC","Noto Sans CJK SC","WenQuanYi Micro Hei","SimSun",serif;max-width:175mm;
          margin:1.5rem auto;padding:0 1rem;line-height:1.7;font-size:11pt;color:#111}
        h1{text-align:center;font-size:17pt}
        h2{font-size:12.5pt;border-bottom:1px solid #999;margin-top:1.2rem}
        table{border-collapse:collapse;width:100%;font-size:10pt}
        th,td{border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top}
        th{background:#eee;width:7em}
        section,table{break-inside:avoid}
        </style></head><body><h1>{{title}}</h1>
        <table class="facts">{{#facts}}<tr><th>{{label}}</th><td>{{value}}</td></tr>{{/facts}}</table>
        <section><h2>{{agendaTitle}}</h2><ol>{{#agenda}}<li>{{title}}（{{by}}）</li>{{/agenda}}</ol></section>
        <section><h2>{{answersTitle}}</h2><ul>{{#answers}}<li>{{unit}}：{{answer}}</li>{{/answers}}</ul></section>
        <section><h2>{{minutesTitle}}</h2><ol>{{#minutes}}<li>{{text}}</li>{{/minutes}}</ol></section>
        <section><h2>{{decisionsTitle}}</h2><ol>{{#decisions}}<li>{{text}}</li>{{/decisions}}</ol></section>
        <section><h2>{{actionsTitle}}</h2><table><thead><tr><th>#</th><th>{{ownerLabel}}</th><th>{{dueLabel}}</th>
        <th>{{statusLabel}}</th></tr></thead><tbody>{{#actions}}<tr><td>{{id}}：{{text}}</td><td>{{owner}}</td>
        <td>{{due}}</td>
        <td>{{status}}</td></tr>{{/actions}}</tbody></table></section>
        {{#closed}}<section><h2>{{summaryTitle}}</h2><p>{{summary}}</p></section>{{/closed}}
        </body></html>
        """
}
