import Foundation

/// Persistence of detections. `PostgresSessionRepository` and `InMemorySessionRepository` implement it
/// beside `SessionRepository`; deleting a session deletes its detections.
public protocol DetectionRepository: Sendable {
    /// Inserts the rows whose (`sessionId`, `id`) is not stored yet, all in one statement (all or
    /// none), each with its session's `device_id`; an id already stored, or repeated in the batch, is
    /// skipped (the first write wins). Returns how many were inserted, by label.
    func insertDetections(_ detections: [Detection]) async throws -> [String: Int]
    /// One page in the query's order.
    func detections(_ query: DetectionQuery) async throws -> [Detection]
}
