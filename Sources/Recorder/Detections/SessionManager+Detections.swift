import Foundation
import Sessions

/// Detections: stored against a session (from the API or the built-in motion detector) and searched.
/// They need the database — a session's span, idempotency, other nodes' sessions — so while it is
/// down they are refused (`database_unavailable`) and the detector retries with the same ids.
extension SessionManager {
    nonisolated var detectionRepository: (any DetectionRepository)? { repository as? any DetectionRepository }

    /// Validates and stores one batch, all or none: 1 to 1000 items, each by §11's rules, each `ts`
    /// inside the session's span (±5 s). Items whose `id` the session already has are skipped and not
    /// counted. `ts` and `offset_sec` are derived from each other through the session's segments.
    /// Returns how many were inserted. Nonisolated: a batch's work (checks, placing 1000 items, the
    /// INSERT) runs beside other batches instead of queueing on the actor.
    @discardableResult
    public nonisolated func recordDetections(sessionId: String, items: [DetectionInput], now: Date = Date()) async throws(RecorderError) -> Int {
        guard (1...DetectionInput.maxItems).contains(items.count) else {
            throw RecorderError(.invalid, code: "invalid_batch", "detections must hold 1 to \(DetectionInput.maxItems) items; this batch has \(items.count).")
        }
        for (index, item) in items.enumerated() { try item.validate(index: index) }
        let store = try requireDetections()
        guard let session = try await session(sessionId) else { throw RecorderError.notFound(sessionId) }
        let clock: MediaClock
        do {
            if let segments = repository as? any SegmentRepository {
                clock = try await mediaClocks.clock(for: session, in: segments)
            } else {
                clock = MediaClock(segments: [], sessionStart: Self.firstFrame(of: session))
            }
        } catch {
            throw Self.databaseUnavailable(error)
        }
        let span = Self.span(of: session, now: now)
        var detections: [Detection] = []
        detections.reserveCapacity(items.count)
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            let ts: Date
            let offset: Double
            switch item.time {
            case .ts(let date):
                ts = Date(epochMilliseconds: date.epochMilliseconds)
                offset = clock.offset(at: ts)
            case .offsetSec(let given):
                ts = Date(epochMilliseconds: clock.ts(atOffset: given).epochMilliseconds)
                offset = given
            }
            guard span.contains(ts) else {
                throw RecorderError(.invalid, code: "outside_session",
                    "detections[\(index)].\(item.time.fieldName) (\(ts.iso8601Milliseconds)) is outside session \(sessionId), which spans \(span.lowerBound.iso8601Milliseconds) to \(span.upperBound.iso8601Milliseconds) with \(Int(DetectionInput.spanToleranceSec)) s of tolerance.")
            }
            let id = item.id ?? Self.detectionId()
            // The first of two equal ids in one batch wins, as against stored rows.
            guard seen.insert(id).inserted else { continue }
            detections.append(Detection(
                id: id, sessionId: sessionId, deviceId: session.deviceId, ts: ts, offsetSec: (offset * 1000).rounded() / 1000,
                label: item.label, confidence: item.confidence, bbox: item.bbox, attributesJSON: item.attributesJSON))
        }
        let inserted: [String: Int]
        do {
            inserted = try await store.insertDetections(detections)
        } catch {
            throw Self.databaseUnavailable(error)
        }
        for (label, count) in inserted { detectionMetrics.inserted(count, label: label) }
        return inserted.values.reduce(0, +)
    }

    /// One page of a search.
    public nonisolated func detections(_ query: DetectionQuery) async throws(RecorderError) -> [Detection] {
        let store = try requireDetections()
        do {
            return try await store.detections(query)
        } catch {
            throw Self.databaseUnavailable(error)
        }
    }

    /// The first frame of a session, or its creation before it has one.
    static func firstFrame(of session: Session) -> Date {
        session.edgeStartTs.map { Date(epochMilliseconds: $0) } ?? session.createdAt
    }

    /// From its first frame to its last (to now while it records), widened by the tolerance.
    static func span(of session: Session, now: Date) -> ClosedRange<Date> {
        let start = firstFrame(of: session)
        let end: Date
        if !session.status.isEnded {
            end = max(now, start)
        } else if let last = session.edgeEndTs {
            end = Date(epochMilliseconds: last)
        } else {
            end = max(start.addingTimeInterval(session.mediaDurationSec), start)
        }
        let tolerance = DetectionInput.spanToleranceSec
        return start.addingTimeInterval(-tolerance)...end.addingTimeInterval(tolerance)
    }

    /// A server-made id: random, so two nodes never make the same one.
    static func detectionId() -> String {
        "d-" + UUID().uuidString.lowercased()
    }

    private nonisolated func requireDetections() throws(RecorderError) -> any DetectionRepository {
        guard let store = detectionRepository else {
            throw RecorderError(.unavailable, code: "detections_unavailable", "This repository keeps no detections.")
        }
        return store
    }
}

extension DetectionInput.Time {
    var fieldName: String {
        switch self {
        case .ts: "ts"
        case .offsetSec: "offsetSec"
        }
    }
}
