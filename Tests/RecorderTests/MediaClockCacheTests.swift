import Foundation
import Sessions
import Store
import StreamdTestSupport
import Testing
@testable import Recorder

/// A cached media clock places detections exactly as one built from every segment row would, while
/// the session records on, and after rows change under it.
@Suite struct MediaClockCacheTests {
    static let startMs: Int64 = 1_700_000_000_000

    static func segment(_ seq: Int, at offsetSec: Double, duration: Double = 2) -> Segment {
        Segment(sessionId: "clock-1", seq: seq, uri: "segment\(seq).ts",
                startsAt: Date(epochMilliseconds: startMs + Int64(offsetSec * 1000)),
                durationSec: duration, bytes: 1, discontinuity: false)
    }

    static func session(_ id: String) -> Session {
        Session(sessionId: id, deviceId: "cam-clock", streamPath: id, status: .recording, source: "testsrc",
                edgeStartTs: startMs, playlistUrl: "http://127.0.0.1:8080/\(id)/index.m3u8", node: "node-a",
                createdAt: Date(epochMilliseconds: startMs), updatedAt: Date(epochMilliseconds: startMs))
    }

    /// Offsets at every half second from before the first segment to past the last one.
    static func offsets(_ clock: MediaClock) -> [Double] {
        stride(from: -2.0, through: 40, by: 0.5).map { clock.offset(at: Date(epochMilliseconds: startMs + Int64($0 * 1000))) }
    }

    @Test(arguments: RepositoryKind.available)
    func theCachedClockAgreesWithOneBuiltFromEveryRow(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            let session = Self.session("clock-1")
            try await repository.create(session)
            let index = try #require(repository as? any SegmentRepository)
            let cache = MediaClockCache(capacity: 4)

            func agrees() async throws {
                let cached = try await cache.clock(for: session, in: index)
                let fresh = MediaClock(segments: try await index.segments(sessionId: "clock-1"),
                                       sessionStart: Date(epochMilliseconds: Self.startMs))
                #expect(cached.segmentCount == fresh.segmentCount)
                #expect(Self.offsets(cached) == Self.offsets(fresh))
            }

            try await index.upsertSegments([Self.segment(0, at: 0), Self.segment(1, at: 2), Self.segment(2, at: 4)])
            try await agrees()
            // The session records on, after a gap: the held clock is extended.
            try await index.upsertSegments([Self.segment(3, at: 10), Self.segment(4, at: 12, duration: 1.5)])
            try await agrees()
            // A row removed under the held clock: the totals disagree and it is rebuilt.
            try await index.deleteSegments(sessionId: "clock-1", seqs: [1])
            try await agrees()
            // A row added before the last one held (reconcile filling a hole): rebuilt again.
            try await index.upsertSegments([Self.segment(1, at: 2, duration: 1)])
            try await agrees()
        }
    }

    @Test func theLeastRecentlyUsedClockIsDroppedAtCapacity() async throws {
        let repository = InMemorySessionRepository()
        let cache = MediaClockCache(capacity: 2)
        var sessions: [Session] = []
        for n in 0..<3 {
            let session = Self.session("lru-\(n)")
            try await repository.create(session)
            try await repository.upsertSegments([Segment(sessionId: session.sessionId, seq: 0, uri: "s0.ts",
                                                         startsAt: Date(epochMilliseconds: Self.startMs), durationSec: 2,
                                                         bytes: 1, discontinuity: false)])
            sessions.append(session)
        }
        for session in sessions { _ = try await cache.clock(for: session, in: repository) }
        #expect(cache.heldSessions == ["lru-1", "lru-2"])
        _ = try await cache.clock(for: sessions[1], in: repository)
        _ = try await cache.clock(for: sessions[0], in: repository)
        #expect(cache.heldSessions == ["lru-0", "lru-1"])
        cache.forget("lru-1")
        #expect(cache.heldSessions == ["lru-0"])
    }
}
