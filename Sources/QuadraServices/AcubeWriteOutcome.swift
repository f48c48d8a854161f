/// What is known after a call that changes something at A-Cube (emergency report, offline period, journal
/// close). The client never resends such a call blindly: after `.unknown` the caller lists what A-Cube holds
/// before it sends again.
public enum AcubeWriteOutcome: Sendable, Hashable {
    /// 2xx: A-Cube took it. `id` and `closedAt` are the body's `id` and `closed_at` when it had them.
    case accepted(id: String?, closedAt: String?)
    /// 409: refused because of the state at A-Cube (a report already there, no open journal…).
    case conflict(detail: String)
    /// 422 and the other final 4xx: refused, with the violations or messages on one readable line, e.g.
    /// `entries[0].vat_rate_code: unknown rate; datetime: must have an offset`.
    case rejected(status: Int, detail: String)
    /// A timeout, a connection reset or closed, a 5xx (or 429/503 through every retry): it may or may not have
    /// landed. Also used when the call was not sent at all (the login failed); the reason then starts with
    /// "not sent".
    case unknown(reason: String)
}
