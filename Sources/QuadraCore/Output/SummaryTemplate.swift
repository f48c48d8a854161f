/// The accountants' summary page, byte-identical to `Templates/summary.html` (a test keeps them equal).
public enum SummaryTemplate {
    public static let html = #"""
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{t.title}} — {{runId}}</title>
        <style>
          @page { size: A4; margin: 12mm 10mm; }
          body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
          h1 { font-size: 1.4em; margin-bottom: 0.2em; }
          h2 { font-size: 1.15em; margin: 1.6em 0 0.4em; }
          p.meta { color: #555; margin-top: 0; }
          p.note { color: #444; max-width: 60em; }
          .scroll { overflow-x: auto; }
          table { border-collapse: collapse; margin: 0.5em 0 1em; }
          th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; vertical-align: top; }
          th { background: #f3f3f3; font-weight: 600; }
          th[colspan] { text-align: center; }
          .text { text-align: left; }
          .num { white-space: nowrap; font-variant-numeric: tabular-nums; }
          tr.total td { font-weight: bold; background: #fafafa; }
          tr.other td { font-style: italic; background: #fcfcf4; }
          tr.subtotal td { background: #fafafa; }
          td.critical { color: #a00; font-weight: bold; }
          td.action { color: #a60; font-weight: bold; }
          .severity-critical { color: #a00; font-weight: bold; }
          .severity-action { color: #a60; font-weight: bold; }
          td.code { font-family: ui-monospace, monospace; font-size: 0.9em; }
          td.detail { color: #444; overflow-wrap: anywhere; }
          td.path, td.hash { overflow-wrap: anywhere; }
          td.hash { font-family: ui-monospace, monospace; font-size: 0.85em; }
          details { border: 1px solid #ddd; border-radius: 4px; margin: 0.4em 0; padding: 0.2em 0.6em; }
          details[open] { padding-bottom: 0.4em; }
          summary { cursor: pointer; padding: 0.2em 0; }
          table.findings { width: 100%; }
          p.more { font-style: italic; }
          @media print {
            body { font-size: 7.5pt; margin: 0; }
            h1 { font-size: 13pt; }
            h2 { font-size: 10pt; break-after: avoid; }
            .scroll { overflow: visible; }
            table { width: 100%; }
            th, td { padding: 0.15em 0.3em; }
            tr, summary { break-inside: avoid; }
            details { border: none; padding: 0; }
            details::details-content { content-visibility: visible; display: contents; }
            summary { list-style: none; font-weight: bold; }
            summary::-webkit-details-marker { display: none; }
          }
        </style>
        </head>
        <body>
        <h1>{{t.heading}}</h1>
        <p class="meta">{{t.run}} {{runId}} ({{mode}}) · {{t.asOf}} {{asOf}} · {{t.timeZone}} {{timeZone}} · {{t.started}} {{startedAt}} · {{t.finished}} {{finishedAt}} · Quadra {{toolVersion}}</p>
        <p class="note">{{t.intro}}</p>
        <p><strong>{{overall}}</strong></p>

        <h2>{{t.byDay}}</h2>
        <div class="scroll">
        <table class="days">
        <thead>
        <tr><th class="text" rowspan="2">PEM</th><th class="text" rowspan="2">{{t.day}}</th><th colspan="2">{{t.sales}}</th><th colspan="2">{{t.paid}}</th><th colspan="2">{{t.receipted}}</th><th colspan="2">{{t.offline}}</th><th class="text" rowspan="2">{{t.report}}</th><th colspan="4">{{t.findings}}</th></tr>
        <tr><th>{{t.number}}</th><th>€</th><th>{{t.number}}</th><th>€</th><th>{{t.number}}</th><th>€</th><th>{{t.number}}</th><th>€</th><th>{{t.critical}}</th><th>{{t.action}}</th><th>{{t.warning}}</th><th>{{t.info}}</th></tr>
        </thead>
        <tbody>
        {{#days}}<tr data-pem="{{pem}}" data-day="{{isoDay}}"><td class="text num">{{pem}}</td><td class="text num">{{#linked}}<a href="#{{anchor}}">{{day}}</a>{{/linked}}{{#unlinked}}{{day}}{{/unlinked}}</td><td class="num">{{sales}}</td><td class="num">{{salesAmount}}</td><td class="num">{{paid}}</td><td class="num">{{paidAmount}}</td><td class="num">{{receipted}}</td><td class="num">{{receiptedAmount}}</td><td class="num">{{offline}}</td><td class="num">{{offlineAmount}}</td><td class="text">{{report}}</td><td class="num{{criticalMark}}">{{critical}}</td><td class="num{{actionMark}}">{{action}}</td><td class="num">{{warning}}</td><td class="num">{{info}}</td></tr>
        {{/days}}{{#other}}<tr class="other" data-pem="" data-day=""><td class="text" colspan="2"><a href="#{{anchor}}">{{t.other}}</a></td><td colspan="9"></td><td class="num{{criticalMark}}">{{critical}}</td><td class="num{{actionMark}}">{{action}}</td><td class="num">{{warning}}</td><td class="num">{{info}}</td></tr>
        {{/other}}</tbody>
        <tfoot>
        {{#total}}<tr class="total"><td class="text" colspan="2">{{t.total}}</td><td class="num">{{sales}}</td><td class="num">{{salesAmount}}</td><td class="num">{{paid}}</td><td class="num">{{paidAmount}}</td><td class="num">{{receipted}}</td><td class="num">{{receiptedAmount}}</td><td class="num">{{offline}}</td><td class="num">{{offlineAmount}}</td><td></td><td class="num{{criticalMark}}">{{critical}}</td><td class="num{{actionMark}}">{{action}}</td><td class="num">{{warning}}</td><td class="num">{{info}}</td></tr>
        {{/total}}</tfoot>
        </table>
        </div>
        {{#other}}<p class="note">{{t.otherNote}}</p>
        {{/other}}
        <h2>{{t.byCode}}</h2>
        <table class="codes">
        <thead>
        <tr><th class="text">{{t.severity}}</th><th class="text">{{t.code}}</th><th>{{t.count}}</th><th class="text">{{t.meaning}}</th><th class="text">{{t.todo}}</th></tr>
        </thead>
        <tbody>
        {{#severities}}{{#codes}}<tr><td class="text severity-{{severity}}">{{severityName}}</td><td class="text code">{{code}}</td><td class="num">{{count}}</td><td class="text">{{meaning}}</td><td class="text">{{todo}}</td></tr>
        {{/codes}}<tr class="subtotal" data-severity="{{severity}}"><td class="text" colspan="2">{{subtotalLabel}}</td><td class="num">{{count}}</td><td colspan="2"></td></tr>
        {{/severities}}</tbody>
        <tfoot>
        <tr class="total"><td class="text" colspan="2">{{t.total}}</td><td class="num">{{findingsCount}}</td><td colspan="2"></td></tr>
        </tfoot>
        </table>

        <h2>{{t.inputs}}</h2>
        <table class="inputs">
        <thead>
        <tr><th class="text">{{t.file}}</th><th class="text">{{t.kind}}</th><th>{{t.bytes}}</th><th>{{t.recordsRead}}</th><th>{{t.recordsRejected}}</th><th class="text">SHA-256</th></tr>
        </thead>
        <tbody>
        {{#inputs}}<tr><td class="text path">{{path}}</td><td class="text">{{kind}}</td><td class="num">{{bytes}}</td><td class="num">{{read}}</td><td class="num">{{rejected}}</td><td class="text hash">{{sha256}}</td></tr>
        {{/inputs}}</tbody>
        </table>

        <h2>{{t.list}}</h2>
        <p class="note">{{listNote}}</p>
        {{#groups}}<details id="{{anchor}}"><summary>{{title}} — {{tally}}</summary>
        <table class="findings">
        <thead>
        <tr>{{#withPem}}<th class="text">PEM</th>{{/withPem}}<th class="text">{{t.severity}}</th><th class="text">{{t.code}}</th><th class="text">{{t.terminal}}</th><th class="text">{{t.sale}}</th><th>{{t.amount}}</th><th class="text">{{t.todo}}</th><th class="text">{{t.detail}}</th></tr>
        </thead>
        <tbody>
        {{#findings}}<tr>{{#withPem}}<td class="text num">{{pem}}</td>{{/withPem}}<td class="text severity-{{severity}}">{{severityName}}</td><td class="text code">{{code}}</td><td class="text num">{{terminal}}</td><td class="text num">{{sale}}</td><td class="num">{{amount}}</td><td class="text">{{todo}}</td><td class="text detail">{{detail}}</td></tr>
        {{/findings}}</tbody>
        </table>
        {{#more}}<p class="more">{{moreText}}</p>
        {{/more}}</details>
        {{/groups}}</body>
        </html>

        """#
}
