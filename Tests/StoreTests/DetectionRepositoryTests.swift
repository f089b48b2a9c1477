import Foundation
import Sessions
import StreamdTestSupport
import Store
import Testing

/// The `DetectionRepository` contract, checked identically on PostgreSQL and in memory.
@Suite struct DetectionRepositoryTests {
    static func detection(_ session: String, _ id: String, tsMs: Int64, label: String = "person", confidence: Double = 0.5) -> Detection {
        Detection(id: id, sessionId: session, deviceId: "ignored", ts: Date(epochMilliseconds: tsMs), offsetSec: 1.25,
                  label: label, confidence: confidence, bbox: BoundingBox(x: 0.1, y: 0.2, w: 0.3, h: 0.4),
                  attributesJSON: #"{"color":"red"}"#)
    }

    static func store(_ repository: any SessionRepository) throws -> any DetectionRepository {
        try #require(repository as? any DetectionRepository)
    }

    @Test(arguments: RepositoryKind.available)
    func insertIsIdempotentFirstWriteWinsAndDeviceComesFromTheSession(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            try await repository.create(Fixtures.session("sess-det", device: "cam-a"))
            let store = try Self.store(repository)
            let batch = [
                Self.detection("sess-det", "a", tsMs: Fixtures.baseMs + 1000),
                Self.detection("sess-det", "b \"quoted\" \\,{}", tsMs: Fixtures.baseMs + 2000, label: "car"),
                Self.detection("sess-det", "a", tsMs: Fixtures.baseMs + 3000, label: "dog"),  // repeats "a": skipped
                Self.detection("sess-none", "c", tsMs: Fixtures.baseMs),  // no such session: dropped
            ]
            #expect(try await store.insertDetections(batch) == ["person": 1, "car": 1])
            #expect(try await store.insertDetections(batch) == [:])
            // A retry that brings one stored id and one new: the new one goes in, the stored one stays.
            let overlapping = [
                Self.detection("sess-det", "a", tsMs: Fixtures.baseMs + 4000, label: "cat"),
                Self.detection("sess-det", "d", tsMs: Fixtures.baseMs + 5000, label: "cat"),
            ]
            #expect(try await store.insertDetections(overlapping) == ["cat": 1])
            let rows = try await store.detections(DetectionQuery(sessionId: "sess-det", order: .oldestFirst))
            #expect(rows.map(\.id) == ["a", "b \"quoted\" \\,{}", "d"])
            #expect(rows.allSatisfy { $0.deviceId == "cam-a" })
            #expect(rows.first?.label == "person")
            #expect(rows.first?.bbox == BoundingBox(x: 0.1, y: 0.2, w: 0.3, h: 0.4))
            #expect(rows.first?.offsetSec == 1.25)
            #expect(rows.first?.attributesJSON.replacingOccurrences(of: " ", with: "") == #"{"color":"red"}"#)

            // Deleting the session deletes its detections.
            try await repository.delete("sess-det")
            #expect(try await store.detections(DetectionQuery()).isEmpty)
        }
    }

    /// Pages in both orders visit every row once, in order, with ties on `ts` broken by id then session.
    @Test(arguments: RepositoryKind.available)
    func cursorsVisitEveryRowOnceInOrder(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            for (id, device) in [("s-1", "cam-a"), ("s-2", "cam-b")] {
                try await repository.create(Fixtures.session(id, device: device))
            }
            let store = try Self.store(repository)
            var all: [Detection] = []
            for n in 0..<120 {
                // Many equal timestamps and the same ids in both sessions force the tie-breaks.
                let session = n % 2 == 0 ? "s-1" : "s-2"
                all.append(Self.detection(session, "id-\(n / 4)", tsMs: Fixtures.baseMs + Int64(n / 6) * 1000,
                                          label: n % 3 == 0 ? "car" : "person", confidence: Double(n % 10) / 10))
            }
            _ = try await store.insertDetections(all)
            let stored = try await store.detections(DetectionQuery(limit: 1000, order: .oldestFirst))
            #expect(stored.count == Set(all.map { "\($0.sessionId)/\($0.id)" }).count)
            for order in [DetectionQuery.Order.oldestFirst, .newestFirst] {
                for filter in [DetectionQuery(label: "person"), DetectionQuery(deviceId: "cam-b", minConfidence: 0.5), DetectionQuery()] {
                    var query = filter
                    query.order = order
                    query.limit = 7
                    let oracle = stored.filter { filter.matches($0) }
                        .sorted { order == .oldestFirst ? $0.cursor < $1.cursor : $1.cursor < $0.cursor }
                    var seen: [Detection] = []
                    while true {
                        let page = try await store.detections(query)
                        seen += page
                        guard page.count == query.limit, let last = page.last else { break }
                        query.cursor = last.cursor
                    }
                    #expect(seen.map(\.cursor) == oracle.map(\.cursor), "\(order) \(filter)")
                }
            }
            let window = try await store.detections(DetectionQuery(
                from: Date(epochMilliseconds: Fixtures.baseMs + 2000), to: Date(epochMilliseconds: Fixtures.baseMs + 3000), limit: 1000))
            let inWindow = stored.filter { (Fixtures.baseMs + 2000...Fixtures.baseMs + 3000).contains($0.ts.epochMilliseconds) }
            #expect(window.count == inWindow.count && !window.isEmpty)
        }
    }
}

@Suite struct MediaClockTests {
    /// Two segments, a 10 s gap (a publisher away), a third: media time skips the gap.
    @Test func offsetsFollowTheSegmentsAcrossAGap() {
        let base = Date(timeIntervalSince1970: 1_764_496_800)
        let segments = [
            Segment(sessionId: "s", seq: 0, uri: "0.ts", startsAt: base, durationSec: 2, bytes: 1, discontinuity: false),
            Segment(sessionId: "s", seq: 1, uri: "1.ts", startsAt: base.addingTimeInterval(2), durationSec: 2, bytes: 1, discontinuity: false),
            Segment(sessionId: "s", seq: 2, uri: "2.ts", startsAt: base.addingTimeInterval(14), durationSec: 2, bytes: 1, discontinuity: true),
        ]
        let clock = MediaClock(segments: segments.reversed(), sessionStart: base.addingTimeInterval(-100))
        #expect(clock.offset(at: base.addingTimeInterval(1)) == 1)
        #expect(clock.offset(at: base.addingTimeInterval(3.5)) == 3.5)
        #expect(clock.offset(at: base.addingTimeInterval(8)) == 4, "inside the gap: the end of the segment before")
        #expect(clock.offset(at: base.addingTimeInterval(15)) == 5)
        #expect(clock.offset(at: base.addingTimeInterval(20)) == 10, "after the last: extrapolated")
        #expect(clock.offset(at: base.addingTimeInterval(-2)) == -2)
        #expect(clock.ts(atOffset: 5) == base.addingTimeInterval(15))
        #expect(clock.ts(atOffset: 1.5) == base.addingTimeInterval(1.5))
        let empty = MediaClock(segments: [], sessionStart: base)
        #expect(empty.offset(at: base.addingTimeInterval(7)) == 7)
        #expect(empty.ts(atOffset: 7) == base.addingTimeInterval(7))
    }

    @Test func cursorTokensRoundTrip() {
        let cursor = DetectionCursor(tsMs: 1_764_496_800_123, sessionId: "sess-1", id: "a.b/c+d=é")
        #expect(DetectionCursor(token: cursor.token) == cursor)
        #expect(!cursor.token.contains("+") && !cursor.token.contains("/") && !cursor.token.contains("="))
        #expect(DetectionCursor(token: "!!") == nil)
        #expect(DetectionCursor(token: "") == nil)
    }
}
