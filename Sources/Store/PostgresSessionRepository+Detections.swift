import Foundation
import Sessions

/// Detections on PostgreSQL. The insert is keyed by (session_id, id) with ON CONFLICT DO NOTHING,
/// so the pool's retry after a lost connection cannot insert a row twice.
extension PostgresSessionRepository: DetectionRepository {
    public func insertDetections(_ detections: [Detection]) async throws -> [String: Int] {
        guard !detections.isEmpty else { return [:] }
        let parameters = DetectionRow.parameters(detections)
        return try await pool.withConnection(statement: "insert_detections") { connection, _ in
            let result = try connection.execute(DetectionRow.insert, parameters, statement: "insert_detections")
            var counts: [String: Int] = [:]
            for row in 0..<result.rowCount {
                counts[try result.required(String.self, row: row, column: "label")] = try result.required(Int.self, row: row, column: "n")
            }
            return counts
        }
    }

    public func detections(_ query: DetectionQuery) async throws -> [Detection] {
        let parameters = DetectionRow.parameters(query)
        let sql = DetectionRow.select(order: query.order)
        return try await pool.withConnection(statement: "search_detections") { connection, _ in
            try DetectionRow.decodeAll(connection.execute(sql, parameters, statement: "search_detections"))
        }
    }
}
