import Foundation

/// A page request for `GET /sessions`: newest first (`created_at`, then `session_id`, descending).
public struct SessionQuery: Sendable, Equatable {
    public var limit: Int
    public var status: SessionStatus?
    public var deviceId: String?
    /// Cursor: only sessions strictly older than this session (in list order). An unknown id yields an empty page.
    public var before: String?

    public init(limit: Int = 50, status: SessionStatus? = nil, deviceId: String? = nil, before: String? = nil) {
        self.limit = limit
        self.status = status
        self.deviceId = deviceId
        self.before = before
    }
}
