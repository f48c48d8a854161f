import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What SIGINT and SIGTERM do: the run stops at once, its temporary output files are removed, and it exits with
/// 128 + the signal (130 for SIGINT, 143 for SIGTERM). OUT keeps its previous complete set: nothing in it is
/// replaced before every new file is ready. The one exception is the few renames that replace the set: a signal
/// that comes then waits for them, so OUT holds the new complete set when the run exits. The state store needs
/// nothing: each SQLite transaction is atomic, and a submission sent but not yet recorded is settled by the
/// next run from A-Cube's list of reports, as after a crash.
public enum Interruption {
    private struct State {
        /// Temporary files written and not yet renamed or removed.
        var temporaries: Set<String> = []
        /// True while OUT's set is being replaced.
        var committing = false
        /// A signal that came while committing, acted on when the commit ends.
        var pending: Int32?
    }

    private static let state = Mutex(State())
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Takes SIGINT and SIGTERM from their default action; call once, before any work.
    public static func install() {
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { arrived(signo) }
            source.resume()
            sources.append(source)
        }
    }

    /// Creates a temporary file with `create` (which returns its descriptor) and records it, as one step: an
    /// interruption either sees the file recorded or stops the run before it is created.
    static func createTracked(_ path: String, _ create: () -> Int32) -> Int32 {
        state.withLock { state in
            state.temporaries.insert(path)
            return create()
        }
    }

    /// The temporary files tracked now.
    static func tracked() -> Set<String> { state.withLock { $0.temporaries } }

    /// The file was renamed into place or removed.
    static func untrack(_ path: String) { state.withLock { _ = $0.temporaries.remove(path) } }

    /// Runs `body` (the renames that replace OUT's set) with signals held until it returns.
    static func whileCommitting<T>(_ body: () throws -> T) rethrows -> T {
        state.withLock { $0.committing = true }
        defer {
            let pending = state.withLock { state -> Int32? in
                state.committing = false
                return state.pending
            }
            if let pending { stop(pending) }
        }
        return try body()
    }

    private static func arrived(_ signo: Int32) {
        let deferred = state.withLock { state -> Bool in
            if state.committing {
                state.pending = state.pending ?? signo
                return true
            }
            return false
        }
        if !deferred { stop(signo) }
    }

    /// Removes the temporaries and exits, holding the lock to the end: no thread creates another one meanwhile.
    private static func stop(_ signo: Int32) -> Never {
        state.withLock { state -> Never in
            for path in state.temporaries { unlink(path) }
            let name = signo == SIGINT ? "SIGINT" : "SIGTERM"
            StandardError.failure(
                "interrupted by \(name): stopped, its temporary files removed (an output folder keeps its previous "
                    + "complete set); run again to finish (nothing is sent twice)")
            _exit(128 + signo)
        }
    }
}
