extension SpiceSimulator {
    /// What the simulator does for one recovery request, once a behaviour's counters are applied.
    indirect enum Step: Sendable, Hashable {
        case approved(amountCents: Int, userOverride: Bool, stringly: Bool)
        case declined(amountCents: Int, hostResponseText: String)
        case inProgress(errorReason: String)
        case signatureRequired
        case noResult
        case reset
        /// Half of `body`'s response, then close.
        case truncated(body: Step)
        case serverError(status: Int)
        case notFound
        case notFound404
    }
}

extension SpiceSimulator.Behavior {
    /// The step for the request numbered `index` (0 for the first GET of a posRefId), and how long to wait
    /// before it. `slow` adds its wait to every request that reaches it and uses up no request.
    func step(at index: Int) -> (step: SpiceSimulator.Step, delayMilliseconds: Int) {
        var behavior = self
        var index = max(0, index)
        var delay = 0
        while true {
            switch behavior {
            case .approved(let amount, let userOverride, let stringly):
                return (.approved(amountCents: amount, userOverride: userOverride, stringly: stringly), delay)
            case .declined(let amount, let text):
                return (.declined(amountCents: amount, hostResponseText: text), delay)
            case .notFound:
                return (.notFound, delay)
            case .notFound404:
                return (.notFound404, delay)
            case .slow(let milliseconds, let then):
                delay += max(0, milliseconds)
                behavior = then
            case .inProgress(let count, let reason, let then):
                if index < count { return (.inProgress(errorReason: reason), delay) }
                (index, behavior) = (index - max(0, count), then)
            case .signatureRequired(let count, let then):
                if index < count { return (.signatureRequired, delay) }
                (index, behavior) = (index - max(0, count), then)
            case .noResult(let count, let then):
                if index < count { return (.noResult, delay) }
                (index, behavior) = (index - max(0, count), then)
            case .reset(let count, let then):
                if index < count { return (.reset, delay) }
                (index, behavior) = (index - max(0, count), then)
            case .truncated(let count, let then):
                if index < count { return (.truncated(body: then.firstBodyStep), delay) }
                (index, behavior) = (index - max(0, count), then)
            case .serverError(let count, let status, let then):
                if index < count { return (.serverError(status: status), delay) }
                (index, behavior) = (index - max(0, count), then)
            }
        }
    }

    /// The first step of this behaviour that has a body to cut short; an in-progress answer if it never has one.
    var firstBodyStep: SpiceSimulator.Step {
        var index = 0
        while index < 1_000 {
            let step = step(at: index).step
            switch step {
            case .reset, .truncated: index += 1
            default: return step
            }
        }
        return .inProgress(errorReason: "TRANSACTION_IN_PROGRESS")
    }
}
