import Foundation
import Sessions

/// Detections in memory, with the SQL's semantics: rows of a session without a row are dropped,
/// `device_id` comes from the session, the first write of an id wins, deleting a session deletes
/// its rows.
extension InMemorySessionRepository: DetectionRepository {
    public func insertDetections(_ detections: [Detection]) throws -> [String: Int] {
        for detection in detections {
            let text = [detection.sessionId, detection.id, detection.label, detection.attributesJSON]
            if let index = text.firstIndex(where: { $0.utf8.contains(0) }) {
                throw StoreError.invalidParameter(index: index, statement: "insert_detections")
            }
        }
        var counts: [String: Int] = [:]
        for detection in detections {
            guard let session = try get(detection.sessionId),
                  detectionRows[detection.sessionId]?[detection.id] == nil else { continue }
            var stored = detection
            stored.deviceId = session.deviceId
            stored.ts = Date(epochMilliseconds: detection.ts.epochMilliseconds)
            detectionRows[detection.sessionId, default: [:]][detection.id] = stored
            counts[detection.label, default: 0] += 1
        }
        return counts
    }

    public func detections(_ query: DetectionQuery) throws -> [Detection] {
        let rows = query.sessionId.map { Array((detectionRows[$0] ?? [:]).values) }
            ?? detectionRows.values.flatMap(\.values)
        let sorted = rows.filter(query.matches).sorted { $0.cursor < $1.cursor }
        return Array((query.order == .oldestFirst ? sorted : sorted.reversed()).prefix(max(0, query.limit)))
    }
}
