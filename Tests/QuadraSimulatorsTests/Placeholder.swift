import Testing
@Test func simulatorsPlaceholder() { #expect(Bool(true)) }
