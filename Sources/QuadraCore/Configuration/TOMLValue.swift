/// A TOML 1.0 value: every type the specification has, so that a document is read whole even where the
/// configuration then refuses a key or its type.
public enum TOMLValue: Sendable, Hashable {
    case string(String)
    /// A 64-bit signed integer (TOML 1.0 asks for exactly that range: a larger one is an error).
    case integer(Int64)
    /// An IEEE 754 binary64 float (`inf` and `nan` included).
    case float(Double)
    case boolean(Bool)
    /// A date-time with an offset from UTC (`1979-05-27T07:32:00-08:00`, `…Z`).
    case offsetDateTime(Date, Time, offsetMinutes: Int)
    /// A date-time without an offset (`1979-05-27T07:32:00`).
    case localDateTime(Date, Time)
    /// A date alone (`1979-05-27`).
    case localDate(Date)
    /// A time of day alone (`07:32:00.5`).
    case localTime(Time)
    /// An array: a static one (`[1, "a"]`, any mix of types) or an array of tables (`[[name]]`).
    case array([TOMLValue])
    /// A table: `[header]`, an inline table `{ … }`, or one that dotted keys or a header's path made.
    case table(TOMLTable)

    /// A calendar date: the year 0000 to 9999, a month, a day that exists in that month.
    public struct Date: Sendable, Hashable {
        public var year: Int
        public var month: Int
        public var day: Int

        public init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }
    }

    /// A time of day; the fraction of a second is kept to the nanosecond (finer digits are truncated, as TOML asks).
    public struct Time: Sendable, Hashable {
        public var hour: Int
        public var minute: Int
        /// 0 to 59, or 60 for a leap second (RFC 3339, which TOML follows).
        public var second: Int
        public var nanosecond: Int

        public init(hour: Int, minute: Int, second: Int, nanosecond: Int) {
            self.hour = hour
            self.minute = minute
            self.second = second
            self.nanosecond = nanosecond
        }
    }

    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .offsetDateTime, .localDateTime: "a date-time"
        case .localDate: "a date"
        case .localTime: "a time"
        case .array: "an array"
        case .table: "a table"
        }
    }
}
