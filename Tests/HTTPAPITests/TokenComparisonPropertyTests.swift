import Hummingbird
import PropertyBased
import Testing

@testable import HTTPAPI

/// Characters tokens are made of, and a generator of strings of them (empty to 600, past any 8-bit wrap
/// of a length difference).
private let tokenText = Gen<Character?>.element(of: Array("abcXYZ0189-_.~+/=")).compactMap { $0 }.string(of: 0...600)

@Suite("property-based: token comparison")
struct TokenComparisonPropertyTests {
    /// The secret with anything added before or after it, or cut short, never matches; only itself does.
    @Test func onlyTheExactTokenMatches() async {
        await propertyCheck(count: 3000, input: tokenText, tokenText, tokenText) { secret, prefix, suffix in
            guard !secret.isEmpty else { return }
            #expect(AuthMiddleware<BasicRequestContext>.matches(secret, secret))
            let padded = prefix + secret + suffix
            #expect(AuthMiddleware<BasicRequestContext>.matches(padded, secret) == (prefix.isEmpty && suffix.isEmpty), "\(prefix.count)+\(secret.count)+\(suffix.count)")
            #expect(!AuthMiddleware<BasicRequestContext>.matches(String(secret.dropLast()), secret))
            #expect(!AuthMiddleware<BasicRequestContext>.matches("", secret))
        }
    }

    /// The audit's case: the secret followed by exactly 256 characters (a length difference of 0 mod 256).
    @Test func lengthDifferencesOfMultiplesOf256AreRefused() {
        let secret = "s3cret-token"
        for extra in [256, 512, 65_536] {
            #expect(!AuthMiddleware<BasicRequestContext>.matches(secret + String(repeating: "\u{0}", count: extra), secret))
            #expect(!AuthMiddleware<BasicRequestContext>.matches(secret + String(repeating: "x", count: extra), secret))
        }
    }
}
