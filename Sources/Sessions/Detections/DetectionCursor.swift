import Foundation

/// A position in the detection order (`ts`, then `id`, then `session_id`, since ids are unique only
/// within a session). Travels as an opaque base64url token (`next_after`, `next_before`).
public struct DetectionCursor: Sendable, Equatable, Comparable {
    public var tsMs: Int64
    public var sessionId: String
    public var id: String

    public init(tsMs: Int64, sessionId: String, id: String) {
        self.tsMs = tsMs
        self.sessionId = sessionId
        self.id = id
    }

    /// Byte order of ids, the order of the `COLLATE "C"` columns.
    public static func < (lhs: DetectionCursor, rhs: DetectionCursor) -> Bool {
        if lhs.tsMs != rhs.tsMs { return lhs.tsMs < rhs.tsMs }
        if lhs.id != rhs.id { return Array(lhs.id.utf8).lexicographicallyPrecedes(Array(rhs.id.utf8)) }
        return Array(lhs.sessionId.utf8).lexicographicallyPrecedes(Array(rhs.sessionId.utf8))
    }

    /// `<ms>.<sessionId>.<id>` in base64url: session ids hold no `.`, so the id is everything after the second.
    public var token: String {
        Data("\(tsMs).\(sessionId).\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init?(token: String) {
        guard (1...512).contains(token.utf8.count) else { return nil }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let ms = Int64(parts[0]), !parts[1].isEmpty, !parts[2].isEmpty,
              !text.unicodeScalars.contains("\u{0}")
        else { return nil }
        self.init(tsMs: ms, sessionId: String(parts[1]), id: String(parts[2]))
    }
}
