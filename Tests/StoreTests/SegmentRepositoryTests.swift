import Foundation
import Sessions
import StreamdTestSupport
import Store
import Testing

/// The `SegmentRepository` contract, checked identically on PostgreSQL and in memory.
@Suite struct SegmentRepositoryTests {
    static func segment(_ session: String, _ seq: Int, startMs: Int64, duration: Double = 2, discontinuity: Bool = false) -> Segment {
        Segment(
            sessionId: session, seq: seq, uri: "segment\(seq).ts", startsAt: Date(epochMilliseconds: startMs),
            durationSec: duration, bytes: Int64(1000 + seq), discontinuity: discontinuity)
    }

    /// A session of `device` with `count` 2 s segments from `startMs`.
    static func seed(_ repository: any SessionRepository, _ id: String, device: String, startMs: Int64, count: Int) async throws -> [Segment] {
        var session = Fixtures.session(id, device: device, status: .completed)
        session.edgeStartTs = startMs
        session.edgeEndTs = startMs + Int64(count) * 2000
        session.mediaDurationSec = Double(count) * 2
        session.bytes = Int64(count) * 1000
        try await repository.create(session)
        let segments = (0..<count).map { segment(id, $0, startMs: startMs + Int64($0) * 2000) }
        try await index(repository).upsertSegments(segments)
        return segments
    }

    static func index(_ repository: any SessionRepository) throws -> any SegmentRepository {
        try #require(repository as? any SegmentRepository)
    }

    /// The rows after a seq, with the session's total, so a reader holding the first rows extends them.
    @Test(arguments: RepositoryKind.available)
    func rowsAfterASeqComeWithTheSessionsTotal(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            let segments = try await Self.seed(repository, "after-1", device: "cam-after", startMs: 1_700_000_000_000, count: 5)
            _ = try await Self.seed(repository, "after-2", device: "cam-after", startMs: 1_700_000_100_000, count: 3)
            let index = try Self.index(repository)
            let (later, total) = try await index.segments(sessionId: "after-1", afterSeq: 2)
            #expect(later == Array(segments[3...]))
            #expect(total == 5)
            let (all, same) = try await index.segments(sessionId: "after-1", afterSeq: -1)
            #expect(all == segments)
            #expect(same == 5)
            let (none, missing) = try await index.segments(sessionId: "after-none", afterSeq: -1)
            #expect(none.isEmpty)
            #expect(missing == 0)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func upsertThenReadEveryFieldIdempotently(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            try await repository.create(Fixtures.session("sess-seg"))
            let rows = [
                Self.segment("sess-seg", 1, startMs: Fixtures.baseMs + 2000, duration: 2.000_111, discontinuity: true),
                Segment(sessionId: "sess-seg", seq: 0, uri: "a \"quoted\" \\ name,{x}.ts",
                        startsAt: Date(timeIntervalSince1970: 1_707_912_000.123_4), durationSec: 1.5,
                        bytes: 9_876_543_210, discontinuity: false),
            ]
            let index = try Self.index(repository)
            try await index.upsertSegments(rows)
            try await index.upsertSegments(rows)  // journal replay repeats it
            let stored = try await index.segments(sessionId: "sess-seg")
            #expect(stored == rows.map(\.truncatedToMilliseconds).sorted { $0.seq < $1.seq })
            #expect(stored.first?.startsAt.epochMilliseconds == 1_707_912_000_123)
            #expect(try await index.segments(sessionId: "sess-none").isEmpty)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func rowsOfAMissingSessionAreSkippedAndDeleteCascades(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            let index = try Self.index(repository)
            try await index.upsertSegments([Self.segment("sess-ghost", 0, startMs: Fixtures.baseMs)])
            #expect(try await index.segments(sessionId: "sess-ghost").isEmpty)
            _ = try await Self.seed(repository, "sess-del", device: "cam-1", startMs: Fixtures.baseMs, count: 3)
            try await index.deleteSegments(sessionId: "sess-del", seqs: [1])
            #expect(try await index.segments(sessionId: "sess-del").map(\.seq) == [0, 2])
            #expect(try await repository.delete("sess-del"))
            #expect(try await index.segments(sessionId: "sess-del").isEmpty)
            #expect(try await index.deviceSegments(deviceId: "cam-1", from: .distantPast, to: .distantFuture).isEmpty)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func deviceWindowFindsOverlappingSegmentsAcrossSessionsOnly(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            let a = try await Self.seed(repository, "sess-a", device: "cam-1", startMs: Fixtures.baseMs, count: 10)
            let b = try await Self.seed(repository, "sess-b", device: "cam-1", startMs: Fixtures.baseMs + 60_000, count: 5)
            _ = try await Self.seed(repository, "sess-other", device: "cam-2", startMs: Fixtures.baseMs, count: 10)
            let index = try Self.index(repository)
            // [3 s, 61 s): segment 1 of a (2–4 s) reaches in, b's first (60–62 s) too.
            let found = try await index.deviceSegments(
                deviceId: "cam-1", from: Date(epochMilliseconds: Fixtures.baseMs + 3000), to: Date(epochMilliseconds: Fixtures.baseMs + 61_000))
            #expect(found == Array(a[1...]) + [b[0]])
            // A window ending exactly where a segment starts does not include it.
            let edge = try await index.deviceSegments(
                deviceId: "cam-1", from: Date(epochMilliseconds: Fixtures.baseMs - 10_000), to: Date(epochMilliseconds: Fixtures.baseMs))
            #expect(edge.isEmpty)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func devicesSummariseTheirSessions(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            _ = try await Self.seed(repository, "sess-a", device: "cam-1", startMs: Fixtures.baseMs, count: 10)
            _ = try await Self.seed(repository, "sess-b", device: "cam-1", startMs: Fixtures.baseMs + 60_000, count: 5)
            var live = Fixtures.session("sess-live", device: "cam-2", status: .recording)
            live.edgeStartTs = Fixtures.baseMs + 5000
            try await repository.create(live)
            let devices = try await Self.index(repository).devices()
            #expect(devices == [
                DeviceSummary(deviceId: "cam-1", sessions: 2, recording: false, firstAt: Fixtures.baseMs,
                              lastAt: Fixtures.baseMs + 70_000, mediaSec: 30, bytes: 15_000),
                DeviceSummary(deviceId: "cam-2", sessions: 1, recording: true, firstAt: Fixtures.baseMs + 5000,
                              lastAt: Fixtures.baseMs + 5000, mediaSec: 0, bytes: 0),
            ])
        }
    }
}

extension SegmentRepositoryTests {
    @Test(arguments: RepositoryKind.available)
    func deviceSpansMergeTouchingSegmentsPerSession(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            _ = try await Self.seed(repository, "sess-a", device: "cam-1", startMs: Fixtures.baseMs, count: 10)
            _ = try await Self.seed(repository, "sess-b", device: "cam-1", startMs: Fixtures.baseMs + 60_000, count: 5)
            let spans = try await Self.index(repository).deviceSpans(
                deviceId: "cam-1", from: Date(epochMilliseconds: Fixtures.baseMs + 3000), to: Date(epochMilliseconds: Fixtures.baseMs + 61_000))
            #expect(spans == [
                // The whole piece that reaches into the window: clipping is the timeline's (`resolved`).
                .init(start: Date(epochMilliseconds: Fixtures.baseMs), end: Date(epochMilliseconds: Fixtures.baseMs + 20_000), sessionId: "sess-a"),
                .init(start: Date(epochMilliseconds: Fixtures.baseMs + 60_000), end: Date(epochMilliseconds: Fixtures.baseMs + 70_000), sessionId: "sess-b"),
            ])
        }
    }
}
