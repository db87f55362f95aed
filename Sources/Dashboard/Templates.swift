import Mustache

/// The dashboard's HTML, as Mustache templates: a layout shared by every page, readable on a laptop
/// and a phone, with fonts that have the Chinese glyphs.
enum Templates {
    static let style = """
        :root{--ink:#1d2733;--muted:#5b6673;--line:#d9dee4;--alert:#b42318;--accent:#1f5fa8;--bg:#f6f7f9}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--ink);line-height:1.5;
          font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","WenQuanYi Micro Hei","PingFang SC",
          "Microsoft YaHei",sans-serif}
        header{background:#fff;border-bottom:1px solid var(--line);padding:.6rem 1rem}
        header h1{font-size:1.1rem;margin:0 0 .4rem}
        nav{display:flex;flex-wrap:wrap;gap:.3rem .9rem}
        nav a{color:var(--accent);text-decoration:none;white-space:nowrap}
        nav a.here{font-weight:700;color:var(--ink)}
        main{padding:1rem;max-width:90rem;margin:auto}
        .figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.6rem;margin-bottom:1rem}
        .figure{background:#fff;border:1px solid var(--line);border-radius:.4rem;padding:.6rem .8rem}
        .figure .value{font-size:1.8rem;font-weight:700}
        .figure.alert{border-color:var(--alert)}
        .figure.alert .value{color:var(--alert)}
        .figure .label{color:var(--muted);font-size:.85rem}
        .attention{background:#fff4f2;border:1px solid #f3c5bd;border-radius:.4rem;padding:.6rem 1rem}
        .scroll{overflow-x:auto;background:#fff;border:1px solid var(--line);border-radius:.4rem}
        table{border-collapse:collapse;width:100%;font-size:.9rem}
        th,td{padding:.35rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
        th{background:#eef1f5;white-space:nowrap}
        td.overdue,td.waiting_for{font-weight:600;color:var(--alert)}
        footer{color:var(--muted);font-size:.8rem;padding:1rem;text-align:center}
        @media (max-width:40rem){main{padding:.5rem}.figure .value{font-size:1.4rem}}
        """

    static let page = """
        <!doctype html>
        <html lang="{{lang}}"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="refresh" content="{{refresh}}">
        <link rel="icon" href="data:,"><title>{{title}} · AEO Hub</title>
        <link rel="stylesheet" href="/style.css"></head>
        <body><header><h1>厦门市AEO企业培育协同 AEO Hub · {{title}}</h1><nav>
        {{#navigation}}<a href="{{href}}"{{#here}} class="here"{{/here}}>{{label}}</a>{{/navigation}}
        <a href="?lang={{switchLang}}" id="language">{{switchLabel}}</a> <a href="{{json}}">JSON</a>
        </nav></header><main>
        {{#hasFigures}}<section class="figures">
        {{#figures}}<div class="figure{{#alert}} alert{{/alert}}" data-key="{{key}}">
        <div class="value">{{value}}</div><div class="label">{{label}}</div></div>{{/figures}}
        </section>{{/hasFigures}}
        {{#hasAttention}}<section class="attention"><h2>{{attentionTitle}}</h2><ul>
        {{#attention}}<li>{{text}}</li>{{/attention}}</ul></section>{{/hasAttention}}
        {{#sections}}<section data-section="{{key}}"><h2>{{heading}}</h2><div class="scroll">
        {{#empty}}<p>{{emptyText}}</p>{{/empty}}{{^empty}}<table><thead><tr>{{#columns}}<th>{{name}}</th>{{/columns}}
        </tr></thead><tbody>{{#rows}}<tr>{{#cells}}<td class="{{key}}">{{text}}</td>{{/cells}}</tr>{{/rows}}
        </tbody></table>{{/empty}}</div></section>{{/sections}}
        </main><footer>AEO Hub · log #{{asOf}} · {{refresh}} s</footer></body></html>
        """

    /// The library with every template registered.
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        try library.register(page, named: "page")
        return library
    }
}
