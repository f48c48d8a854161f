/// What a timestamp's text says: an absolute instant (it had an offset) or a local wall-clock time.
public enum ParsedTimestamp: Sendable, Equatable {
    case absolute(Instant)
    case local(CivilDateTime)
}
