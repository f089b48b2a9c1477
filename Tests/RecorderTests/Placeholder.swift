import Testing

@Test func placeholderRecorderTests() { #expect(1 + 1 == 2) }
