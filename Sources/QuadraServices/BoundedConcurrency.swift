/// Runs work on many items a few at a time: the fetcher's PEMs and the submission engine's.
enum BoundedConcurrency {
    /// `body` of every item, at most `limit` at once, the results in the items' order. The first error thrown
    /// cancels the work still running and is rethrown.
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async throws -> Result
    ) async throws -> [Result] {
        var results: [Result?] = Array(repeating: nil, count: items.count)
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            func start() {
                guard next < items.count else { return }
                let index = next
                let item = items[index]
                next += 1
                group.addTask { (index, try await body(item)) }
            }
            for _ in 0..<min(max(1, limit), items.count) { start() }
            while let (index, result) = try await group.next() {
                results[index] = result
                start()
            }
        }
        return results.compactMap { $0 }
    }
}
