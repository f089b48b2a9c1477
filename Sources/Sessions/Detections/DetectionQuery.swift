import Foundation

/// A page of detections: one session's oldest first (`GET /sessions/{id}/detections`), or across
/// sessions newest first (`GET /detections`), with the contract's filters.
public struct DetectionQuery: Sendable, Equatable {
    public enum Order: Sendable, Equatable {
        /// By (`ts`, `id`, `session_id`) ascending; the cursor is the last row of the previous page.
        case oldestFirst
        /// Descending.
        case newestFirst
    }

    public var sessionId: String?
    public var deviceId: String?
    public var label: String?
    public var minConfidence: Double?
    /// Inclusive bounds on `ts`.
    public var from: Date?
    public var to: Date?
    public var limit: Int
    public var order: Order
    /// Only rows strictly after this one in `order`.
    public var cursor: DetectionCursor?

    public init(
        sessionId: String? = nil, deviceId: String? = nil, label: String? = nil, minConfidence: Double? = nil,
        from: Date? = nil, to: Date? = nil, limit: Int = 100, order: Order = .newestFirst, cursor: DetectionCursor? = nil
    ) {
        self.sessionId = sessionId
        self.deviceId = deviceId
        self.label = label
        self.minConfidence = minConfidence
        self.from = from
        self.to = to
        self.limit = limit
        self.order = order
        self.cursor = cursor
    }

    /// The query's filters and cursor applied to one row: the in-memory repository's semantics and the tests' oracle.
    public func matches(_ detection: Detection) -> Bool {
        if let sessionId, detection.sessionId != sessionId { return false }
        if let deviceId, detection.deviceId != deviceId { return false }
        if let label, detection.label != label { return false }
        if let minConfidence, detection.confidence < minConfidence { return false }
        let ms = detection.ts.epochMilliseconds
        if let from, ms < from.epochMilliseconds { return false }
        if let to, ms > to.epochMilliseconds { return false }
        if let cursor {
            switch order {
            case .oldestFirst: if !(cursor < detection.cursor) { return false }
            case .newestFirst: if !(detection.cursor < cursor) { return false }
            }
        }
        return true
    }
}
