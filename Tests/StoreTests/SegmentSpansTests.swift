import Foundation
import Sessions
import StreamdTestSupport
import Store
import Testing

/// The pieces a timeline reads (`segment_spans`, kept by triggers on PostgreSQL) against an
/// independent oracle, `DeviceTimeline.pieces` over the rows as they are, through appends, a gap,
/// an hour boundary, holes filled out of order, changed and deleted rows.
@Suite struct SegmentSpansTests {
    @Test(arguments: RepositoryKind.available)
    func piecesFollowAppendsHolesUpdatesAndDeletes(kind: RepositoryKind) async throws {
        try await kind.withRepository { repository in
            var session = Fixtures.session("sess-long", device: "cam-spans", status: .recording)
            session.edgeStartTs = Fixtures.baseMs
            try await repository.create(session)
            _ = try await SegmentRepositoryTests.seed(repository, "sess-other", device: "cam-spans", startMs: Fixtures.baseMs + 1000, count: 3)
            let index = try SegmentRepositoryTests.index(repository)
            // 2,000 segments of 2 s (more than an hour), a 3 s gap after seq 99.
            var rows = (0..<2000).map { seq in
                SegmentRepositoryTests.segment("sess-long", seq, startMs: Fixtures.baseMs + Int64(seq) * 2000 + (seq >= 100 ? 3000 : 0))
            }
            let wholeWindow = (Date(epochMilliseconds: Fixtures.baseMs - 10_000_000), Date(epochMilliseconds: Fixtures.baseMs + 10_000_000))
            func check(_ label: String) async throws {
                let all = rows + (0..<3).map { SegmentRepositoryTests.segment("sess-other", $0, startMs: Fixtures.baseMs + 1000 + Int64($0) * 2000) }
                let expected = DeviceTimeline.pieces(all)
                let actual = try await index.deviceSpans(deviceId: "cam-spans", from: wholeWindow.0, to: wholeWindow.1)
                #expect(actual == expected, "\(label)")
                // A window in the middle finds the piece that reaches into it.
                let middle = Date(epochMilliseconds: Fixtures.baseMs + 3_000_000)
                let inside = try await index.deviceSpans(deviceId: "cam-spans", from: middle, to: middle.addingTimeInterval(10))
                #expect(inside == expected.filter { $0.end > middle && $0.start < middle.addingTimeInterval(10) }, "\(label), middle")
            }
            // Appends as a recording closes its segments, one at a time, then a batch.
            for segment in rows.prefix(120) { try await index.upsertSegments([segment]) }
            try await index.upsertSegments(Array(rows[120...]))
            try await check("appended")
            // Holes: deleted rows split a piece; filling them back out of order joins it again.
            try await index.deleteSegments(sessionId: "sess-long", seqs: [500, 501, 502])
            let removed = rows.filter { [500, 501, 502].contains($0.seq) }
            rows.removeAll { [500, 501, 502].contains($0.seq) }
            try await check("holes")
            try await index.upsertSegments(removed.reversed())
            rows = (rows + removed).sorted { $0.seq < $1.seq }
            try await check("filled")
            // A row that changes its timing (a replay with other facts).
            rows[1000].durationSec = 5
            try await index.upsertSegments([rows[1000]])
            try await check("changed")
        }
    }
}
