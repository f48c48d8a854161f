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
    /// A timeout, a connection reset or closed, a 5xx: it may or may not have landed.
    case unknown(reason: String)
    /// It certainly did not reach A-Cube, or A-Cube refused it before processing anything: no token could be had,
    /// the connection could not be made, a 401 after logging in again, a 429 through every retry.
    case notSent(reason: String)
}
