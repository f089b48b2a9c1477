import Foundation
import Sessions

/// Detections on PostgreSQL, keyed by (session_id, id). A batch goes in with a plain INSERT; only
/// when one of its ids exists (a detector's retry, or the pool's retry after a lost connection) is
/// it run again skipping existing ids, so no row goes in twice and first attempts skip the cost of
/// ON CONFLICT.
extension PostgresSessionRepository: DetectionRepository {
    /// One statement per session in `detections` (the API's batches all have one).
    public func insertDetections(_ detections: [Detection]) async throws -> [String: Int] {
        guard !detections.isEmpty else { return [:] }
        let statements = Dictionary(grouping: detections, by: \.sessionId).map { DetectionRow.parameters(sessionId: $0.key, $0.value) }
        return try await pool.withConnection(statement: "insert_detections") { connection, _ in
            var counts: [String: Int] = [:]
            for parameters in statements {
                let result: PGResult
                do {
                    result = try connection.execute(DetectionRow.insert, parameters, statement: "insert_detections")
                } catch let error as StoreError where error.isDuplicateKey {
                    result = try connection.execute(DetectionRow.insertSkippingExisting, parameters, statement: "insert_detections")
                }
                for row in 0..<result.rowCount {
                    counts[try result.required(String.self, row: row, column: "label"), default: 0]
                        += try result.required(Int.self, row: row, column: "n")
                }
            }
            return counts
        }
    }

    public func detections(_ query: DetectionQuery) async throws -> [Detection] {
        let parameters = DetectionRow.parameters(query)
        let sql = DetectionRow.select(query)
        return try await pool.withConnection(statement: "search_detections") { connection, _ in
            try DetectionRow.decodeAll(connection.execute(sql, parameters, statement: "search_detections"))
        }
    }
}
