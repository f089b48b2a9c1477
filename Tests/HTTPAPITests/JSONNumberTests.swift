import Foundation
import Testing

@testable import HTTPAPI

/// Short decimals (no exponent, at most 15 digits) are computed without `strtod`; each must be the
/// very double `strtod` gives, and every other number must still go to it.
@Suite struct JSONNumberTests {
    static func parsed(_ text: String) throws -> Double? {
        guard case .array(let items) = try JSONValue.parse(Data("[\(text)]".utf8)), case .number(let value)? = items.first else {
            return nil
        }
        return value
    }

    @Test func shortDecimalsAreTheDoublesStrtodGives() throws {
        var random = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "0.0", "-0.0", "1", "0.1", "0.3", "0.7", "0.123", "1764500000000", "1764500000000.5",
                     "999999999999999", "0.000000000000001", "123456789.012345", "-42.5", "9007199254740993",
                     "0.1000000000000000055511151231257827", "1e3", "1.5E-7", "12345678901234567890"]
        for _ in 0..<20_000 {
            let integerDigits = Int.random(in: 1...10, using: &random)
            let fractionDigits = Int.random(in: 0...(16 - integerDigits), using: &random)
            var text = Bool.random(using: &random) ? "-" : ""
            text += String(Int.random(in: 1...9, using: &random))
            text += (1..<integerDigits).map { _ in String(Int.random(in: 0...9, using: &random)) }.joined()
            if fractionDigits > 0 {
                text += "." + (0..<fractionDigits).map { _ in String(Int.random(in: 0...9, using: &random)) }.joined()
            }
            texts.append(text)
        }
        for text in texts {
            let expected = try #require(Double(text))
            let value = try #require(try Self.parsed(text), "\(text) did not parse")
            #expect(value.bitPattern == expected.bitPattern, "\(text): \(value) is not \(expected)")
        }
    }
}
