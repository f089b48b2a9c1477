import Foundation

extension Date {
    /// Milliseconds since 1970, rounded to the nearest: the precision the store keeps.
    public var epochMilliseconds: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    public init(epochMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(epochMilliseconds) / 1000)
    }

    /// `2026-11-30T03:22:31.123Z`: UTC with milliseconds, the shape of the API's `created_at` and of
    /// log timestamps. Built by hand: no shared formatter, no locale surprises.
    public var iso8601Milliseconds: String {
        let millis = Int64((timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Digits by hand: String(format:) costs microseconds each on Linux, and a device playlist
        // writes one of these per segment.
        var text = ""
        text.reserveCapacity(24)
        Self.append(Int(parts.tm_year) + 1900, width: 4, to: &text)
        text.append("-")
        Self.append(Int(parts.tm_mon) + 1, width: 2, to: &text)
        text.append("-")
        Self.append(Int(parts.tm_mday), width: 2, to: &text)
        text.append("T")
        Self.append(Int(parts.tm_hour), width: 2, to: &text)
        text.append(":")
        Self.append(Int(parts.tm_min), width: 2, to: &text)
        text.append(":")
        Self.append(Int(parts.tm_sec), width: 2, to: &text)
        text.append(".")
        Self.append(Int(((millis % 1000) + 1000) % 1000), width: 3, to: &text)
        text.append("Z")
        return text
    }

    /// `value` in decimal, zero-padded to `width` digits.
    public static func append(_ value: Int, width: Int, to text: inout String) {
        let digits = String(abs(value))
        if value < 0 { text.append("-") }
        if digits.count < width { text.append(String(repeating: "0", count: width - digits.count)) }
        text.append(digits)
    }
}

extension Session {
    /// This session as the store returns it: timestamps at millisecond precision. Both
    /// repositories store this form, so `get` after `create` compares equal to it.
    public var truncatedToMilliseconds: Session {
        var copy = self
        copy.createdAt = Date(epochMilliseconds: createdAt.epochMilliseconds)
        copy.updatedAt = Date(epochMilliseconds: updatedAt.epochMilliseconds)
        return copy
    }
}
