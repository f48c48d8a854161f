/// The accountants' summary page, byte-identical to `Templates/summary.html` (a test keeps them equal).
public enum SummaryTemplate {
    public static let html = #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Quadra summary — run {{runId}}</title>
        <style>
          body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
          h1 { font-size: 1.4em; margin-bottom: 0.2em; }
          p.meta { color: #555; margin-top: 0; }
          table { border-collapse: collapse; margin: 1em 0 2em; }
          th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
          th { background: #f3f3f3; }
          td.text, th.text { text-align: left; }
          tr.total td { font-weight: bold; background: #fafafa; }
          td.critical { color: #a00; font-weight: bold; }
          td.action { color: #a60; }
        </style>
        </head>
        <body>
        <h1>Quadra reconciliation summary</h1>
        <p class="meta">Run {{runId}} ({{mode}}), as of {{asOf}}, time zone {{timeZone}}, Quadra {{toolVersion}}.
        Amounts in euros. The full list of findings is in findings.csv and reconciliation.xml.</p>

        <h2>By PEM and fiscal day</h2>
        <table>
        <tr><th class="text">PEM</th><th class="text">Fiscal day</th><th>Sales</th><th>Sales €</th><th>Paid</th><th>Paid €</th><th>Receipted</th><th>Receipted €</th><th>Offline</th><th>Offline €</th><th class="text">Emergency report</th><th>Critical</th><th>Action</th><th>Warning</th><th>Info</th></tr>
        {{#days}}<tr><td class="text">{{pem}}</td><td class="text">{{day}}</td><td>{{sales}}</td><td>{{salesAmount}}</td><td>{{paid}}</td><td>{{paidAmount}}</td><td>{{receipted}}</td><td>{{receiptedAmount}}</td><td>{{offline}}</td><td>{{offlineAmount}}</td><td class="text">{{submitted}}</td><td class="critical">{{critical}}</td><td class="action">{{action}}</td><td>{{warning}}</td><td>{{info}}</td></tr>
        {{/days}}<tr class="total"><td class="text" colspan="2">Total</td><td>{{sales}}</td><td>{{salesAmount}}</td><td>{{paid}}</td><td>{{paidAmount}}</td><td>{{receipted}}</td><td>{{receiptedAmount}}</td><td>{{offline}}</td><td>{{offlineAmount}}</td><td class="text"></td><td class="critical">{{critical}}</td><td class="action">{{action}}</td><td>{{warning}}</td><td>{{info}}</td></tr>
        </table>

        <h2>Findings by code</h2>
        <table>
        <tr><th class="text">Severity</th><th class="text">Code</th><th>Count</th><th class="text">What to do</th></tr>
        {{#codes}}<tr><td class="text {{severity}}">{{severity}}</td><td class="text">{{code}}</td><td>{{count}}</td><td class="text">{{action}}</td></tr>
        {{/codes}}</table>
        </body>
        </html>

        """#
}
