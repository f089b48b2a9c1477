import Foundation
import Sessions

/// The segment index on PostgreSQL. Every statement is idempotent, so a retry after a lost
/// connection is safe.
extension PostgresSessionRepository: SegmentRepository {
    public func upsertSegments(_ segments: [Segment]) async throws {
        guard !segments.isEmpty else { return }
        let parameters = SegmentRow.parameters(segments)
        try await pool.withConnection(statement: "upsert_segments") { connection, _ in
            _ = try connection.execute(SegmentRow.upsert, parameters, statement: "upsert_segments")
        }
    }

    public func deleteSegments(sessionId: String, seqs: [Int]) async throws {
        guard !seqs.isEmpty else { return }
        let parameters = [sessionId, ArrayLiteral.of(seqs) { $0.append(number: $1) }]
        try await pool.withConnection(statement: "delete_segments") { connection, _ in
            _ = try connection.execute(SegmentRow.delete, parameters, statement: "delete_segments")
        }
    }

    public func segments(sessionId: String) async throws -> [Segment] {
        try await pool.withConnection(statement: "segments_by_session") { connection, _ in
            try SegmentRow.decodeAll(connection.execute(SegmentRow.bySession, [sessionId], statement: "segments_by_session"))
        }
    }

    public func segments(sessionId: String, afterSeq: Int) async throws -> (rows: [Segment], total: Int) {
        try await pool.withConnection(statement: "segments_after_seq") { connection, _ in
            let total = try connection.execute(SegmentRow.countBySession, [sessionId], statement: "segments_after_seq")
                .required(Int.self, row: 0, column: "n")
            let rows = try SegmentRow.decodeAll(connection.execute(SegmentRow.bySessionAfterSeq, [sessionId, String(afterSeq)],
                                                                   statement: "segments_after_seq"))
            return (rows, total)
        }
    }

    public func deviceSegments(deviceId: String, from: Date, to: Date) async throws -> [Segment] {
        let parameters = [deviceId, String(from.epochMilliseconds), String(to.epochMilliseconds)]
        return try await pool.withConnection(statement: "segments_by_device") { connection, _ in
            try SegmentRow.decodeAll(connection.execute(SegmentRow.byDevice, parameters, statement: "segments_by_device"))
        }
    }

    public func deviceSpans(deviceId: String, from: Date, to: Date) async throws -> [DeviceTimeline.Span] {
        let parameters = [deviceId, String(from.epochMilliseconds), String(to.epochMilliseconds)]
        return try await pool.withConnection(statement: "spans_by_device") { connection, _ in
            let result = try connection.execute(SegmentRow.spansByDevice, parameters, statement: "spans_by_device")
            var spans: [DeviceTimeline.Span] = []
            for row in 0..<result.rowCount {
                spans.append(DeviceTimeline.Span(
                    start: Date(epochMilliseconds: try result.required(Int64.self, row: row, column: "start_ms")),
                    end: Date(timeIntervalSince1970: try result.required(Double.self, row: row, column: "end_sec")),
                    sessionId: try result.required(String.self, row: row, column: "session_id")))
            }
            return spans
        }
    }

    public func devices() async throws -> [DeviceSummary] {
        try await pool.withConnection(statement: "devices") { connection, _ in
            try SegmentRow.decodeDevices(connection.execute(SegmentRow.devices, statement: "devices"))
        }
    }
}
