/// The words of `summary.html` in each language: the labels the template names as `{{t.NAME}}`, and the phrases the
/// page composes. Finding codes and details stay as the contract writes them (they are what findings.csv holds).
public struct SummaryWords: Sendable {
    public let language: ReportLanguage

    public init(_ language: ReportLanguage) { self.language = language }

    /// The template's labels, by name (without the `t.` prefix).
    public var labels: [String: String] {
        switch language {
        case .italian: Self.italianLabels
        case .english: Self.englishLabels
        }
    }

    private var italian: Bool { language == .italian }

    /// A severity in a table cell: `critica`, `azione`, `avviso`, `info` (it).
    public func severity(_ severity: Severity) -> String {
        switch severity {
        case .critical: italian ? "critica" : "critical"
        case .action: italian ? "azione" : "action"
        case .warning: italian ? "avviso" : "warning"
        case .info: "info"
        }
    }

    /// A severity as a column heading, for a count of findings: `critiche`, `azione`, `avvisi`, `info` (it).
    public func severityCounted(_ severity: Severity) -> String {
        switch severity {
        case .critical: italian ? "critiche" : "critical"
        case .action: italian ? "azione" : "action"
        case .warning: italian ? "avvisi" : "warning"
        case .info: "info"
        }
    }

    /// `Totale critiche` (it), `Total critical` (en).
    public func subtotal(_ severity: Severity) -> String {
        (italian ? "Totale " : "Total ") + severityCounted(severity)
    }

    /// Whether an emergency report covers a day: `coperto` / `non coperto` / `—` (no offline sale, no report).
    public func coverage(covered: Bool, offlineSales: Int) -> String {
        if covered { return italian ? "coperto" : "covered" }
        return offlineSales > 0 ? (italian ? "non coperto" : "not covered") : "—"
    }

    /// `22 segnalazioni (critiche 2, azione 11, avvisi 7, info 2)`: the total, then each severity that occurs.
    public func tally(_ counts: [Severity: Int], format: SummaryFormat) -> String {
        let total = counts.values.reduce(0, +)
        let noun =
            italian ? (total == 1 ? "segnalazione" : "segnalazioni") : (total == 1 ? "finding" : "findings")
        let parts = Severity.allCases.reversed().compactMap { severity -> String? in
            guard let count = counts[severity], count > 0 else { return nil }
            return severityCounted(severity) + " " + format.count(count)
        }
        return format.count(total) + " " + noun + (parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")")
    }

    /// The line under a group whose list was cut at the cap.
    public func more(_ count: Int, format: SummaryFormat) -> String {
        if italian {
            return count == 1
                ? "… e un'altra segnalazione: l'elenco completo è in findings.csv."
                : "… e altre \(format.count(count)) segnalazioni: l'elenco completo è in findings.csv."
        }
        return "… and \(format.count(count)) more: findings.csv lists them all."
    }

    /// The note above the groups of findings.
    public func listNote(groups: Int, cap: Int, format: SummaryFormat) -> String {
        if groups == 0 { return italian ? "Nessuna segnalazione." : "No findings." }
        if italian {
            return "Ogni gruppo si apre con un clic; stampati da Chrome o Edge, i gruppi escono tutti aperti (altri "
                + "browser possono stamparli come si vedono a schermo). Ogni gruppo elenca al massimo "
                + "\(format.count(cap)) segnalazioni, le più gravi per prime; l'elenco completo è in findings.csv."
        }
        return "Click a group to open it; printed from Chrome or Edge, every group comes out open (other browsers may "
            + "print them as they are on screen). Each group lists at most \(format.count(cap)) findings, the most "
            + "severe first; findings.csv lists them all."
    }

    /// What kind of input a file is.
    public func kind(_ kind: InputKind) -> String {
        switch kind {
        case .posLog: italian ? "log della cassa (POS)" : "POS log"
        case .acubeReceipts: italian ? "scontrini A-Cube" : "A-Cube receipts"
        case .acubeJournals: italian ? "giornali A-Cube" : "A-Cube journals"
        case .acubeNotifications: italian ? "notifiche A-Cube" : "A-Cube notifications"
        case .acubeEmergencyReports: italian ? "rapporti di emergenza A-Cube" : "A-Cube emergency reports"
        case .registerCSV: italian ? "registro di emergenza (CSV)" : "emergency register (CSV)"
        case .registerXML: italian ? "registro di emergenza (XML)" : "emergency register (XML)"
        }
    }

    /// What to do about a finding: the contract's action (en), or its translation (it).
    public func todo(_ code: FindingCode) -> String {
        guard italian else { return code.action }
        return switch code {
        case .paymentInProgress: "recuperare l'esito da Spice"
        case .paymentRecoveredApproved: "nessuna; la vendita risulta pagata"
        case .paymentRecoveredDeclined: "nessuna"
        case .paymentManualOverride: "controllare il terminale; non esistono ricevute della carta"
        case .paymentStillInProgress: "rieseguire più tardi"
        case .paymentNotFound: "controllare a mano lo storico del terminale"
        case .paymentUnreachable: "rieseguire quando Spice è raggiungibile"
        case .paymentAmountMismatch: "controllare l'addebito"
        case .doubleCharge: "rimborsare l'addebito in eccesso"
        case .receiptMissing: "emettere lo scontrino"
        case .receiptNotInJournal: "verificare con A-Cube"
        case .receiptAmountMismatch: "annullare e riemettere lo scontrino"
        case .receiptForUnpaidSale: "annullare lo scontrino"
        case .orphanReceipt: "controllare la cassa"
        case .receiptDuringOffline: "segnalare ad A-Cube"
        case .offlineSaleNotRecorded: "nessuna: la vendita è aggiunta all'invio preparato"
        case .offlineRecordUnsubmitted: "inviare il rapporto di emergenza preparato"
        case .offlinePeriodNotNotified: "comunicare il periodo offline ad A-Cube"
        case .journalNotClosed: "chiudere il giornale"
        case .communicationIncident: "nessuna"
        case .platformOffline: "nessuna"
        case .acubeDataMissing: "scaricare i dati da A-Cube"
        case .submissionRejected: "correggere i dati"
        case .submissionUncertain: "controllare i rapporti del PEM su A-Cube e registrare che cosa coprono"
        case .inputRejected: "correggere il file d'origine"
        }
    }

    /// What a finding code means, in a few words.
    public func meaning(_ code: FindingCode) -> String {
        switch code {
        case .paymentInProgress:
            italian
                ? "pagamento rimasto in corso: nessuna risposta, non recuperato da Spice"
                : "an attempt has no response and was not recovered from Spice"
        case .paymentRecoveredApproved:
            italian ? "Spice ha confermato il pagamento rimasto in corso" : "Spice approved an attempt left in progress"
        case .paymentRecoveredDeclined:
            italian ? "Spice ha rifiutato il pagamento rimasto in corso" : "Spice declined an attempt left in progress"
        case .paymentManualOverride:
            italian ? "esito del pagamento inserito a mano sul terminale" : "the response was entered by hand"
        case .paymentStillInProgress:
            italian
                ? "per Spice il pagamento era ancora in corso alla scadenza del recupero"
                : "Spice still reported the attempt as running at the recovery deadline"
        case .paymentNotFound: italian ? "Spice non conosce il pagamento" : "Spice does not know the attempt"
        case .paymentUnreachable:
            italian ? "Spice non era raggiungibile" : "Spice could not be reached before the deadline"
        case .paymentAmountMismatch:
            italian
                ? "importo approvato diverso dal totale della vendita"
                : "an approved amount differs from the sale total"
        case .doubleCharge:
            italian
                ? "due o più pagamenti approvati per la stessa vendita"
                : "two or more attempts of one sale were approved"
        case .receiptMissing:
            italian
                ? "vendita pagata senza scontrino e assente dai registri di emergenza"
                : "a paid sale, not offline, has no receipt and is in no emergency register"
        case .receiptNotInJournal:
            italian
                ? "lo scontrino indicato dalla cassa non è tra quelli di A-Cube"
                : "the POS names a receipt that A-Cube does not hold"
        case .receiptAmountMismatch:
            italian
                ? "totale dello scontrino A-Cube diverso dal totale della vendita"
                : "the A-Cube receipt total differs from the sale total"
        case .receiptForUnpaidSale:
            italian ? "scontrino emesso per una vendita non pagata" : "an unpaid sale has a receipt"
        case .orphanReceipt:
            italian
                ? "scontrino A-Cube che nessun evento della cassa indica"
                : "an A-Cube sale receipt that no POS event names"
        case .receiptDuringOffline:
            italian
                ? "scontrino A-Cube datato in un periodo in cui il PEM era offline"
                : "an A-Cube receipt dated inside a platform offline window"
        case .offlineSaleNotRecorded:
            italian
                ? "vendita pagata offline, senza scontrino e assente dai registri di emergenza"
                : "a paid offline sale with no receipt is missing from every emergency register"
        case .offlineRecordUnsubmitted:
            italian
                ? "riga del registro di emergenza di un giorno che nessun rapporto copre"
                : "an emergency register row whose day no emergency report covers"
        case .offlinePeriodNotNotified:
            italian ? "periodo offline della cassa non ancora comunicato" : "a client offline period not yet notified"
        case .journalNotClosed: italian ? "giornale rimasto aperto" : "a journal left open"
        case .communicationIncident:
            italian
                ? "comunicazione MF1–MF2 interrotta e poi ripristinata, senza che il PEM andasse offline"
                : "MF1–MF2 communication failed and was restored without the PEM going offline"
        case .platformOffline: italian ? "periodo in cui il PEM era offline" : "a platform offline window"
        case .acubeDataMissing:
            italian ? "vendite di un PEM senza dati A-Cube" : "POS sales for a PEM with no A-Cube export"
        case .submissionRejected: italian ? "A-Cube ha rifiutato un invio" : "A-Cube refused a submission"
        case .submissionUncertain:
            italian
                ? "esito di un invio non accertabile, o rapporto su A-Cube che Quadra non ha registrato"
                : "a submission's outcome cannot be settled, or A-Cube holds a report Quadra never recorded"
        case .inputRejected:
            italian ? "riga, record o file di input illeggibile" : "a line, row or file that could not be read"
        }
    }

    static let italianLabels: [String: String] = [
        "title": "Riepilogo Quadra", "heading": "Quadra — riepilogo della riconciliazione", "run": "Esecuzione",
        "asOf": "dati al", "timeZone": "fuso orario", "started": "avviata", "finished": "terminata",
        "intro":
            "Importi in euro. Codici e dettagli delle segnalazioni sono quelli di findings.csv e reconciliation.xml, "
            + "che restano in inglese come li definisce il formato; qui le segnalazioni sono contate ed elencate per "
            + "PEM e giorno fiscale.",
        "byDay": "Per PEM e giorno fiscale", "day": "Giorno fiscale", "sales": "Vendite", "paid": "Pagate",
        "receipted": "Con scontrino", "offline": "Offline", "report": "Rapporto di emergenza",
        "findings": "Segnalazioni", "number": "n.", "critical": "Critiche", "action": "Azione", "warning": "Avvisi",
        "info": "Info", "other": "senza PEM o giorno", "total": "Totale",
        "otherNote":
            "La riga «senza PEM o giorno» raccoglie le segnalazioni che non riguardano un PEM in un giorno fiscale, "
            + "come l'input rifiutato (INPUT_REJECTED) o i dati A-Cube mancanti di un PEM (ACUBE_DATA_MISSING): così "
            + "i totali per gravità sono gli stessi della tabella per codice.",
        "byCode": "Segnalazioni per codice", "severity": "Gravità", "code": "Codice", "count": "Numero",
        "meaning": "Significato", "todo": "Cosa fare", "inputs": "File letti", "file": "File", "kind": "Tipo",
        "bytes": "Byte", "recordsRead": "Record letti", "recordsRejected": "Rifiutati",
        "list": "Segnalazioni per PEM e giorno", "terminal": "Terminale", "sale": "Vendita", "amount": "Importo",
        "detail": "Dettaglio (in inglese)",
    ]

    static let englishLabels: [String: String] = [
        "title": "Quadra summary", "heading": "Quadra reconciliation summary", "run": "Run", "asOf": "as of",
        "timeZone": "time zone", "started": "started", "finished": "finished",
        "intro":
            "Amounts in euros. Finding codes and details are those of findings.csv and reconciliation.xml; this page "
            + "counts the findings and lists them by PEM and fiscal day.",
        "byDay": "By PEM and fiscal day", "day": "Fiscal day", "sales": "Sales", "paid": "Paid",
        "receipted": "Receipted", "offline": "Offline", "report": "Emergency report", "findings": "Findings",
        "number": "No.", "critical": "Critical", "action": "Action", "warning": "Warning", "info": "Info",
        "other": "without PEM or day", "total": "Total",
        "otherNote":
            "The row “without PEM or day” holds the findings that concern no PEM on a fiscal day, such as rejected "
            + "input (INPUT_REJECTED) or a PEM's missing A-Cube data (ACUBE_DATA_MISSING): so the totals by severity "
            + "are those of the table by code.",
        "byCode": "Findings by code", "severity": "Severity", "code": "Code", "count": "Count",
        "meaning": "What it means", "todo": "What to do", "inputs": "Inputs read", "file": "File", "kind": "Kind",
        "bytes": "Bytes", "recordsRead": "Records read", "recordsRejected": "Rejected",
        "list": "Findings by PEM and day", "terminal": "Terminal", "sale": "Sale", "amount": "Amount",
        "detail": "Detail",
    ]
}
