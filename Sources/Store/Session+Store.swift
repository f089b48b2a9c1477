import Foundation

extension Date {
    /// Milliseconds since 1970, rounded to the nearest: the precision the store keeps.
    public var epochMilliseconds: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    public init(epochMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(epochMilliseconds) / 1000)
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

    /// The text fields, in the order the repositories check them for NUL bytes.
    var textFields: [String?] {
        [sessionId, deviceId, streamPath, status.rawValue, source, device, playlistUrl, error, node]
    }

    /// True when `self` sorts before `other` in list order: newest `createdAt` first, then
    /// `sessionId` descending by bytes (PostgreSQL's "C" collation).
    func precedesInList(_ other: Session) -> Bool {
        let mine = createdAt.epochMilliseconds
        let theirs = other.createdAt.epochMilliseconds
        if mine != theirs { return mine > theirs }
        return other.sessionId.utf8.lexicographicallyPrecedes(sessionId.utf8)
    }
}
