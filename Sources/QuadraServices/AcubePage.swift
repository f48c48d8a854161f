import QuadraCore

/// One page of an A-Cube list (receipts, journals, notifications), with the bytes exactly as A-Cube sent them
/// (`quadra fetch` writes them to files as they are) and what pagination needs.
public struct AcubePage: Sendable, Hashable {
    /// The response body, untouched.
    public var bytes: [UInt8]
    /// How many items the page's `members` holds.
    public var memberCount: Int
    /// The page number asked for (A-Cube numbers pages from 1).
    public var page: Int
    /// `pages` of the body, when A-Cube gave it.
    public var pages: Int?
    /// `total` of the body, when A-Cube gave it.
    public var total: Int?
    /// Whether a next page should be asked for.
    public var hasMore: Bool

    public init(bytes: [UInt8], memberCount: Int, page: Int, pages: Int?, total: Int?, hasMore: Bool) {
        self.bytes = bytes
        self.memberCount = memberCount
        self.page = page
        self.pages = pages
        self.total = total
        self.hasMore = hasMore
    }

    /// Reads the pagination of a list page body: `{"members":[…],"total","page","size"[,"pages"]}`, or a bare
    /// JSON array. `requestedSize` is the `size` asked for. Nil when the body is not a list page.
    ///
    /// There is more when `pages` says so; else when `total` exceeds the items up to this page; else (no counts
    /// at all) when the page came back full. An empty page never has more, so a walk always ends.
    public static func parse(_ bytes: [UInt8], page: Int, requestedSize: Int) -> AcubePage? {
        guard let root = try? JSONParser.parse(bytes) else { return nil }
        switch root {
        case .array(let items):
            return AcubePage(
                bytes: bytes, memberCount: items.count, page: page, pages: nil, total: nil,
                hasMore: !items.isEmpty && items.count >= requestedSize)
        case .object(let object):
            guard let members = object["members"]?.arrayValue else { return nil }
            let pages = integer(object["pages"])
            let total = integer(object["total"])
            let size = integer(object["size"]).flatMap { $0 > 0 ? $0 : nil } ?? requestedSize
            let hasMore: Bool
            if members.isEmpty {
                hasMore = false
            } else if let pages {
                hasMore = page < pages
            } else if let total {
                hasMore = page * max(size, members.count) < total
            } else {
                hasMore = members.count >= requestedSize
            }
            return AcubePage(
                bytes: bytes, memberCount: members.count, page: page, pages: pages, total: total, hasMore: hasMore)
        default:
            return nil
        }
    }

    /// An integer given as a number or a numeric string.
    static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .number(let text)?: Int(text)
        case .string(let text)?: Int(text)
        default: nil
        }
    }
}

/// Which receipts a list asks for (`status`): A-Cube's default is `sent`, so a fetch that omits it misses the
/// receipts an MF1–MF2 outage leaves `ready` (apis.md).
public enum AcubeReceiptStatus: String, Sendable, Hashable, CaseIterable {
    /// Not yet sent on to MF2.
    case ready
    /// Sent on to MF2.
    case sent
}

/// One page of the emergency reports A-Cube holds for a PEM: the body as it came (a plain JSON array of
/// `{"id","closed_at"}`), and each report's id.
public struct AcubeReportList: Sendable, Hashable {
    /// One listed report.
    public struct Report: Sendable, Hashable {
        /// The id as decimal text (A-Cube's ids are integers; a string id is read as it is).
        public var id: String
        /// `closed_at` as A-Cube wrote it: a server time, never the day the report covers.
        public var closedAt: String?

        public init(id: String, closedAt: String?) {
            self.id = id
            self.closedAt = closedAt
        }

        /// A listed item: an object with a non-empty `id` (a number or a string); nil otherwise.
        init?(_ object: JSONObject) {
            guard let id = Self.identifier(object["id"]) else { return nil }
            self.id = id
            closedAt = object["closed_at"]?.stringValue
        }

        /// An id given as an integer or a string; a number is kept as its text.
        static func identifier(_ value: JSONValue?) -> String? {
            switch value {
            case .string(let text)? where !text.isEmpty: text
            case .number(let text)?: text
            default: nil
            }
        }
    }

    /// The response body, untouched (a JSON array).
    public var bytes: [UInt8]
    public var reports: [Report]
    /// Whether a next page should be asked for: this one held as many items as asked.
    public var hasMore: Bool

    public init(bytes: [UInt8], reports: [Report], hasMore: Bool = false) {
        self.bytes = bytes
        self.reports = reports
        self.hasMore = hasMore
    }

    /// Reads one page: a JSON array of `{"id","closed_at"}` (or a page whose `members` holds them). There is more
    /// when the page holds at least `requestedSize` items. Nil when the body is neither, or an item has no id (an
    /// id that cannot be read could hide a report, and the list must be whole to be trusted).
    public static func parse(_ bytes: [UInt8], requestedSize: Int = Int.max) -> AcubeReportList? {
        guard let root = try? JSONParser.parse(bytes) else { return nil }
        let items: [JSONValue]
        switch root {
        case .array(let array): items = array
        case .object(let object):
            guard let members = object["members"]?.arrayValue else { return nil }
            items = members
        default: return nil
        }
        var reports: [Report] = []
        for item in items {
            guard let object = item.objectValue, let report = Report(object) else { return nil }
            reports.append(report)
        }
        return AcubeReportList(bytes: bytes, reports: reports, hasMore: items.count >= requestedSize)
    }
}
