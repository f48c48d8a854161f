import Testing
@Test func servicesPlaceholder() { #expect(Bool(true)) }
