import Testing

@Test func placeholderHTTPAPITests() { #expect(1 + 1 == 2) }
