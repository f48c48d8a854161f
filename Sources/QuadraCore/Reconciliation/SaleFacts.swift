/// What the night-wide rules must know about every sale once all are judged: which A-Cube receipts the POS
/// names, the first POS receipt of each day, the terminals of the sales that registers name. Gathered by each
/// partition's judge (in any order: every part is a set or a minimum) and merged.
public struct SaleFacts: Sendable {
    /// Per PEM, a bit per A-Cube receipt (by its index in the PEM's table): set when a `receipt_issued` of that
    /// PEM names it. Filled from `namedPositions` when facts are merged.
    var named: [String: [UInt64]] = [:]
    /// Per PEM, the positions named since the last merge (a partition names few of a PEM's receipts: a list is
    /// far smaller than a bit per receipt of the whole table).
    var namedPositions: [String: (count: Int, positions: [Int32])] = [:]
    /// Uuids that `receipt_issued` events name but that their own PEM's A-Cube receipts do not hold.
    var strayNames: Set<String> = []
    /// The first `receipt_issued` of each (PEM, fiscal day of the receipt), for the PEMs whose journals need it.
    var firstPosDocument: [PemDay: Instant] = [:]
    /// For each (PEM, sale) that a register names: the smallest terminal with that sale.
    var registerTerminals: [PemSale: String] = [:]

    private var days = FiscalDayMemo()

    public init() {}

    /// Notes that a `receipt_issued` of `pem` names `uuid`, found at `position` of the PEM's table of `count`
    /// receipts (nil: the table does not hold it, or there is no table).
    mutating func noteNamed(pem: String, uuid: String, position: Int?, tableCount: Int) {
        guard let position else {
            strayNames.insert(uuid)
            return
        }
        namedPositions[pem, default: (tableCount, [])].positions.append(Int32(position))
    }

    /// Notes what the night-wide rules need of `sale` beyond its receipts' names.
    /// `inRegister`: a register names the sale (its PEM and sale id). `firstDocumentMatters` says of a PEM whether
    /// the first POS receipt of its days is kept (only journals that are open need it).
    mutating func add(
        _ sale: borrowing SaleRecord, inRegister: Bool, zone: FiscalTimeZone,
        firstDocumentMatters: (String) -> Bool
    ) {
        for receipt in sale.receipts {
            let event = receipt.event
            guard firstDocumentMatters(event.pem) else { continue }
            let key = PemDay(pem: event.pem, day: days.day(of: event.at, in: zone))
            if let first = firstPosDocument[key], first <= event.at { continue }
            firstPosDocument[key] = event.at
        }
        if inRegister, let pem = sale.sale?.pem {
            let key = PemSale(pem: pem, sale: sale.saleId)
            if registerTerminals[key].map({ sale.terminal < $0 }) ?? true {
                registerTerminals[key] = sale.terminal
            }
        }
    }

    /// Adds the facts of one partition's judge (whose names are still positions, not bits).
    mutating func merge(_ other: SaleFacts) {
        for (pem, entry) in other.namedPositions {
            // Taken out while it is filled, so the dictionary is looked up once per PEM, not once per position.
            var bits = named.removeValue(forKey: pem) ?? Array(repeating: 0, count: (entry.count + 63) / 64)
            for position in entry.positions { bits[Int(position) / 64] |= 1 << UInt64(position % 64) }
            named[pem] = bits
        }
        strayNames.formUnion(other.strayNames)
        firstPosDocument.merge(other.firstPosDocument) { min($0, $1) }
        registerTerminals.merge(other.registerTerminals) { min($0, $1) }
    }

    /// Whether some `receipt_issued` names the A-Cube receipt at `index` of `pem`'s table. `bits` is
    /// `named[pem]`, looked up once by a caller that asks about many receipts of one PEM.
    func isNamed(pem: String, index: Int, acube: [String: AcubeData], bits: [UInt64]?) -> Bool {
        if let bits, bits[index / 64] & (1 << UInt64(index % 64)) != 0 { return true }
        guard let uuid = acube[pem]?.receipts.uuid(at: index) else { return false }
        if strayNames.contains(uuid) { return true }
        // The same uuid under another PEM, named there (A-Cube uuids are unique, so this is for odd exports).
        for (other, bits) in named where other != pem {
            if let position = acube[other]?.receipts.index(of: uuid),
                bits[position / 64] & (1 << UInt64(position % 64)) != 0
            {
                return true
            }
        }
        return false
    }
}
