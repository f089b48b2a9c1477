import Foundation
import Hummingbird

/// The `from` / `to` of a device query: ISO 8601 or epoch milliseconds, at most 7 days apart.
struct ArchiveWindow: Sendable, Equatable {
    static let longest: TimeInterval = 7 * 24 * 3600
    /// `from` when only `to` (or nothing) is given.
    static let defaultLength: TimeInterval = 3600

    var from: Date
    var to: Date
    /// The request named no `to`: the window ends now and may grow (a live device playlist).
    var openEnded: Bool

    static func parse(_ parameters: Parameters, now: Date = Date()) throws(APIError) -> ArchiveWindow {
        let to = try parameters.get("to").map { text throws(APIError) in try time(text, name: "to") }
        let end = to ?? now
        let from = try parameters.get("from").map { text throws(APIError) in try time(text, name: "from") }
            ?? end.addingTimeInterval(-defaultLength)
        guard from <= end else {
            throw APIError(.unprocessableContent, code: "invalid_range", "from must not be after to.")
        }
        guard end.timeIntervalSince(from) <= longest else {
            throw APIError(.unprocessableContent, code: "range_too_long", "The window from from to to may be at most 7 days.")
        }
        return ArchiveWindow(from: from, to: end, openEnded: to == nil)
    }

    /// `2026-11-30T10:00:00Z` (fractional seconds and offsets allowed) or epoch milliseconds.
    static func time(_ text: String, name: String) throws(APIError) -> Date {
        if let millis = Int64(text), (-62_135_596_800_000...253_402_300_799_999).contains(millis) {
            return Date(epochMilliseconds: millis)
        }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if text.utf8.count <= 64, let date = plain.date(from: text) ?? fractional.date(from: text) { return date }
        throw APIError(.unprocessableContent, code: "invalid_time", "\(name) must be an ISO 8601 time such as 2026-11-30T10:00:00Z or epoch milliseconds.")
    }
}
