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

/// The emergency reports A-Cube holds for a PEM: the body as it came, and each report's id and date.
public struct AcubeReportList: Sendable, Hashable {
    /// One listed report.
    public struct Report: Sendable, Hashable {
        public var id: String
        /// `datetime` (the value it was submitted with) or, where absent, `closed_at`, as A-Cube wrote it.
        public var datetime: String

        public init(id: String, datetime: String) {
            self.id = id
            self.datetime = datetime
        }
    }

    /// The response body, untouched (a JSON array).
    public var bytes: [UInt8]
    public var reports: [Report]

    public init(bytes: [UInt8], reports: [Report]) {
        self.bytes = bytes
        self.reports = reports
    }

    /// Reads a list body: a JSON array of `{"id","closed_at"[,"datetime"]}`, or a page whose `members` holds
    /// them. Nil when the body is neither.
    public static func parse(_ bytes: [UInt8]) -> AcubeReportList? {
        guard let root = try? JSONParser.parse(bytes) else { return nil }
        let items: [JSONValue]
        switch root {
        case .array(let array): items = array
        case .object(let object):
            guard let members = object["members"]?.arrayValue else { return nil }
            items = members
        default: return nil
        }
        let reports = items.compactMap { item -> Report? in
            guard let object = item.objectValue else { return nil }
            let id = text(object["id"]) ?? ""
            guard let datetime = text(object["datetime"]) ?? text(object["closed_at"]) else {
                return id.isEmpty ? nil : Report(id: id, datetime: "")
            }
            return Report(id: id, datetime: datetime)
        }
        return AcubeReportList(bytes: bytes, reports: reports)
    }

    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)? where !text.isEmpty: text
        case .number(let text)?: text
        default: nil
        }
    }
}
