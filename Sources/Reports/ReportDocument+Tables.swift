import Coordination
import HubProtocol

// The report document's tables and its template.
extension ReportDocument {
    /// A table of the document: a heading, column titles, rows of text.
    struct DocumentTable {
        let heading: String
        let columns: [String]
        let rows: [[String]]

        var context: [String: Any] {
            [
                "heading": heading, "columns": columns.map { ["name": $0] },
                "rows": rows.map { ["cells": $0.map { ["text": $0] }] },
                "empty": rows.isEmpty,
            ]
        }
    }

    private func say(_ zh: String, _ en: String) -> String { language.pick(zh, en) }
    private func unitName(_ unit: String) -> String {
        UnitNames.display(activity.state.topology.units[unit]?.name ?? unit, language)
    }

    var tables: [DocumentTable] {
        let state = activity.state
        let end = activity.asOf
        let units = DocumentTable(
            heading: say("各单位工作情况", "Per unit"),
            columns: [
                say("单位", "unit"), say("类别", "role"), say("提交诉求", "requests filed"),
                say("办结诉求", "requests settled"), say("立案", "cases opened"), say("实地认证", "audits held"),
                say("完成事项", "actions done"), say("确认停止激励", "confirmations"), say("已报送", "reported"),
            ],
            rows: activity.units.map { unit in
                [
                    unitName(unit.unit), language.word(unit.role.rawValue, Terms.roles), "\(unit.requestsFiled)",
                    "\(unit.requestsSettled)", "\(unit.casesOpened)", "\(unit.auditsHeld)", "\(unit.actionsDone)",
                    "\(unit.confirmations)", unit.reported ? say("是", "yes") : say("否", "no"),
                ]
            })
        let cases = DocumentTable(
            heading: say("认证与复核案件（期末）", "Certification and review cases at the end"),
            columns: [
                say("案件", "case"), say("类型", "kind"), say("企业", "enterprise"), say("承办海关", "office"),
                say("状态", "status"), say("办结时限", "deadline"), say("联合认证", "joint"), say("优先", "priority"),
            ],
            rows: state.cases.values.sorted { $0.id < $1.id }.map { item in
                [
                    item.id, item.kind == .review ? say("复核", "review") : say("认证", "certification"),
                    item.enterpriseName,
                    unitName(item.office),
                    item.isOverdue(on: end)
                        ? say("逾期", "OVERDUE") : language.word(item.status.rawValue, Terms.caseStatuses),
                    "\(item.deadline)", item.joint ? say("是", "yes") : "",
                    state.isPriority(item.uscc) ? say("重点培育", "key list") : "",
                ]
            })
        let actions = DocumentTable(
            heading: say("交办事项", "Action items"),
            columns: [
                say("事项", "action"), say("会议", "meeting"), say("责任单位", "owner"), say("完成时限", "due"),
                say("状态", "status"), say("内容", "text"),
            ],
            rows: state.actions.values.sorted { $0.id < $1.id }.map { action in
                [
                    action.id, action.meetingID, unitName(action.owner), "\(action.due)",
                    action.isOverdue(on: end) ? say("逾期", "OVERDUE") : action.status.label(language), action.text,
                ]
            })
        let credit = DocumentTable(
            heading: say("信用调整与停止联合激励", "Credit changes and joint incentives stopped"),
            columns: [
                say("调整", "change"), say("企业", "enterprise"), say("调整前 → 调整后", "from → to"),
                say("发布单位", "publisher"), say("已确认/应确认", "confirmed/asked"), say("未确认单位", "pending"),
            ],
            rows: state.creditChanges.values.sorted { $0.id < $1.id }.map { change in
                let levels =
                    "\(change.levelSet.levelName(change.from, language)) → "
                    + "\(change.levelSet.levelName(change.to, language))"
                let asked = change.confirmed.count + change.pending.count
                let pending =
                    change.lifted
                    ? say("已撤销", "lifted")
                    : change.pending.sorted().map(unitName).joined(separator: language == .zh ? "、" : ", ")
                return [
                    change.id, change.enterpriseName, levels, unitName(change.publisher),
                    "\(change.confirmed.count)/\(asked)",
                    pending,
                ]
            })
        return [units, cases, actions, credit]
    }

    static let template = """
        <!doctype html>
        <html lang="{{lang}}"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,"><title>{{title}}</title>
        <style>
        @page{size:A4;margin:16mm 14mm}
        body{font-family:"Noto Serif CJK SC","Noto Sans CJK SC","Source Han Serif SC","WenQuanYi Micro Hei","SimSun",
          serif;
          color:#111;max-width:180mm;margin:1.5rem auto;padding:0 1rem;line-height:1.6;font-size:11pt}
        h1{text-align:center;font-size:18pt;margin-bottom:.2rem}
        .subtitle{text-align:center;color:#444;font-size:10pt;margin-top:0}
        h2{font-size:13pt;border-bottom:1px solid #999;margin-top:1.4rem}
        table{border-collapse:collapse;width:100%;font-size:9.5pt;margin:.4rem 0}
        th,td{border:1px solid #999;padding:2px 5px;text-align:left;vertical-align:top}
        th{background:#eee}
        .figures{columns:2;column-gap:1.5rem}
        .figures table{break-inside:avoid}
        figure{margin:.6rem 0;break-inside:avoid}
        figcaption{font-weight:700;font-size:10pt}
        svg.chart{max-width:100%;height:auto;font-family:inherit}
        section,table,figure{break-inside:avoid}
        @media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}}
        </style></head><body>
        <h1>{{title}}</h1><p class="subtitle">{{subtitle}}</p>
        <h2>{{chartsTitle}}</h2>
        {{#charts}}<figure><figcaption>{{title}}</figcaption>{{{svg}}}</figure>{{/charts}}
        <h2>{{figuresTitle}}</h2><div class="figures">
        {{#figureSections}}<table><thead><tr><th colspan="2">{{heading}}</th></tr></thead><tbody>
        {{#figures}}<tr><td>{{name}}</td><td>{{value}}</td></tr>{{/figures}}</tbody></table>{{/figureSections}}
        </div>
        <section><h2>{{missingTitle}}</h2>{{#allReported}}<p>{{allReportedText}}</p>{{/allReported}}
        <ul class="missing">{{#missing}}<li>{{name}}</li>{{/missing}}</ul></section>
        {{#tables}}<section><h2>{{heading}}</h2>{{^empty}}<table><thead><tr>{{#columns}}<th>{{name}}</th>{{/columns}}
        </tr></thead>
        <tbody>{{#rows}}<tr>{{#cells}}<td>{{text}}</td>{{/cells}}</tr>{{/rows}}</tbody></table>{{/empty}}
        {{#empty}}<p>—</p>{{/empty}}</section>{{/tables}}
        </body></html>
        """
}
