import Foundation
import Sessions

extension Session {
    /// The text fields, in the order the repositories check them for NUL bytes.
    var textFields: [String?] {
        [sessionId, deviceId, streamPath, status.rawValue, source, device, playlistUrl, error, node,
         sourceUrl, videoCodec, audioCodec]
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
