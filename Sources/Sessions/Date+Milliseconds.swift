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
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis % 1000))
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
