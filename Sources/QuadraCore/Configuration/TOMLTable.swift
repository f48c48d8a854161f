/// A TOML table: its keys in the order the document first wrote them, each with its value. Two tables are equal
/// when they hold the same keys with equal values, in any order (TOML gives tables no order).
public struct TOMLTable: Sendable, Hashable {
    /// The keys, in the order the document wrote them.
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    public init() {}

    public subscript(key: String) -> TOMLValue? { values[key] }

    /// The number of keys.
    public var count: Int { keys.count }

    /// Sets `key` to `value`, adding it after the others when new.
    public mutating func set(_ key: String, _ value: TOMLValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool { lhs.values == rhs.values }

    public func hash(into hasher: inout Hasher) { hasher.combine(values) }
}
