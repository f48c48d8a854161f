/// A value of the TOML subset Quadra's configuration uses.
public enum TOMLValue: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    case boolean(Bool)
    case array([TOMLValue])
    /// An inline table `{ key = value, … }`: its members with their (dotted) key paths, in order.
    case inlineTable([(path: [String], value: TOMLValue)])

    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "a boolean"
        case .array: "an array"
        case .inlineTable: "a table"
        }
    }

    public static func == (lhs: TOMLValue, rhs: TOMLValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.boolean(let a), .boolean(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.inlineTable(let a), .inlineTable(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.path == $1.path && $0.value == $1.value }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .string(let text):
            hasher.combine(0)
            hasher.combine(text)
        case .integer(let number):
            hasher.combine(1)
            hasher.combine(number)
        case .boolean(let flag):
            hasher.combine(2)
            hasher.combine(flag)
        case .array(let items):
            hasher.combine(3)
            hasher.combine(items)
        case .inlineTable(let members):
            hasher.combine(4)
            for member in members {
                hasher.combine(member.path)
                hasher.combine(member.value)
            }
        }
    }
}
