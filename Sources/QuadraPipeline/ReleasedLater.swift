import Foundation

/// Holds a value so that its memory is given back on a background thread: freeing a big night (and closing its
/// spill files) then overlaps the work that follows instead of delaying it.
final class ReleasedLater<T: Sendable>: @unchecked Sendable {
    /// Read only before `releaseInBackground`; then written once, by the background thread.
    private(set) var value: T?

    init(_ value: T) { self.value = value }

    /// Drops the value on a background thread. The caller must hold no other reference to it for the memory to be
    /// freed there.
    func releaseInBackground() {
        DispatchQueue.global(qos: .utility).async { self.value = nil }
    }
}
