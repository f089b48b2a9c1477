import Foundation
import Media
import Recorder
import Sessions
import Store
import StreamdTestSupport
import Testing

/// The segment index as recordings write it: one row per listed segment, through the journal,
/// reconciled with the disk at start.
@Suite("segment index")
struct SegmentIndexTests {
    @Test(arguments: RepositoryKind.available)
    func everyListedSegmentGetsItsRow(kind: RepositoryKind) async throws {
        try await RecorderFixture.with(kind) { fixture in
            _ = try await fixture.manager.start(StartRequest(sessionId: "idx-1", deviceId: "cam-idx", source: .testsrc, durationSec: 3))
            let session = try await fixture.waitForStatus("idx-1", .completed)
            let rows = try #require(try await fixture.manager.segments(of: "idx-1"))
            let listed = try #require(try PlaylistSegments.read(in: fixture.directory("idx-1")))
            #expect(rows.map(\.uri) == listed.map(\.uri))
            #expect(rows.map(\.seq) == Array(0..<listed.count))
            #expect(rows.count == session.segmentCount)
            #expect(abs(rows.reduce(0) { $0 + $1.durationSec } - session.mediaDurationSec) < 0.01)
            #expect(rows.reduce(Int64(0)) { $0 + $1.bytes } == session.bytes)
            for (row, entry) in zip(rows, listed) {
                let stated = try #require(entry.startsAt)
                #expect(abs(row.startsAt.timeIntervalSince(stated)) < 0.001)
            }
            let first = try #require(rows.first)
            #expect(abs(first.startsAt.timeIntervalSince1970 * 1000 - Double(session.edgeStartTs ?? 0)) < 1500)
            #expect(try await fixture.manager.segments(of: "idx-missing") == nil)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func reconcileAddsRowsOfOldRecordingsAndRemovesRowsOfDeletedFiles(kind: RepositoryKind) async throws {
        try await RecorderFixture.with(kind) { fixture in
            _ = try await fixture.manager.start(StartRequest(sessionId: "idx-old", deviceId: "cam-old", source: .testsrc, durationSec: 4))
            _ = try await fixture.waitForStatus("idx-old", .completed)
            let index = try #require(fixture.repository as? any SegmentRepository)
            let written = try await index.segments(sessionId: "idx-old")
            #expect(written.count >= 2)

            // A recording made before the index: its rows are not there.
            try await index.deleteSegments(sessionId: "idx-old", seqs: written.map(\.seq))
            var report = try await fixture.manager.reconcileSegmentIndex()
            #expect(report.added == written.count && report.removed == 0)
            #expect(try await index.segments(sessionId: "idx-old") == written)

            // A segment file removed by hand: its row goes.
            let removed = try #require(written.last)
            try FileManager.default.removeItem(at: fixture.directory("idx-old").appendingPathComponent(removed.uri))
            report = try await fixture.manager.reconcileSegmentIndex()
            #expect(report.added == 0 && report.removed == 1)
            #expect(try await index.segments(sessionId: "idx-old") == Array(written.dropLast()))

            // The whole directory gone: every row goes.
            try FileManager.default.removeItem(at: fixture.directory("idx-old"))
            report = try await fixture.manager.reconcileSegmentIndex()
            #expect(report.removed == written.count - 1)
            #expect(try await index.segments(sessionId: "idx-old").isEmpty)
            // Another node's rows are not this node's to touch.
            #expect(report.sessions == 1)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func twoSessionsWithAGapMakeTwoSpans(kind: RepositoryKind) async throws {
        try await RecorderFixture.with(kind) { fixture in
            _ = try await fixture.manager.start(StartRequest(sessionId: "gap-1", deviceId: "cam-gap", source: .testsrc, durationSec: 2))
            _ = try await fixture.waitForStatus("gap-1", .completed)
            try await Task.sleep(for: .seconds(2))
            _ = try await fixture.manager.start(StartRequest(sessionId: "gap-2", deviceId: "cam-gap", source: .testsrc, durationSec: 2))
            _ = try await fixture.waitForStatus("gap-2", .completed)
            let segments = try await fixture.manager.deviceSegments(
                "cam-gap", from: Date().addingTimeInterval(-600), to: Date().addingTimeInterval(1))
            let spans = DeviceTimeline.spans(segments)
            #expect(spans.map(\.sessionId) == ["gap-1", "gap-2"], "\(spans)")
            #expect(!(try await fixture.manager.isDeviceRecording("cam-gap")))
            let devices = try await fixture.manager.devices()
            #expect(devices.map(\.deviceId) == ["cam-gap"])
            #expect(devices.first?.sessions == 2)
        }
    }
}

@Suite("segment index during a database outage", .enabled(if: databaseConfigured, "needs PostgreSQL (make test)"))
struct SegmentIndexOutageTests {
    @Test func everySegmentRowArrivesAfterAnOutage() async throws {
        try await PrivateCluster.with { cluster in
            try await TestDatabase.withDatabase(conninfo: cluster.conninfo) { pool, _ in
                let fixture = try RecorderFixture(pool: pool)
                defer { fixture.remove() }
                _ = try await fixture.manager.start(StartRequest(sessionId: "seg-outage", deviceId: "cam-o", source: .testsrc))
                #expect(try await RecorderFixture.eventually(within: 30) { (try? fixture.segments("seg-outage").count ?? 0 >= 1) ?? false })

                try await cluster.stop()
                let before = try fixture.segments("seg-outage").count
                #expect(try await RecorderFixture.eventually(within: 30) { (try? fixture.segments("seg-outage").count ?? 0 >= before + 2) ?? false })
                _ = try await fixture.manager.close("seg-outage")
                let session = try await fixture.waitForStatus("seg-outage", .completed)
                #expect(await fixture.manager.journal.segmentBacklog >= 2)

                try await cluster.resume()
                #expect(await RecorderFixture.eventually { await fixture.manager.journal.flush() })
                #expect(await fixture.manager.journal.segmentBacklog == 0)
                let index = try #require(fixture.repository as? any SegmentRepository)
                let rows = try await index.segments(sessionId: "seg-outage")
                let listed = try fixture.segments("seg-outage")
                #expect(rows.map(\.uri) == listed)
                #expect(rows.count == session.segmentCount)
            }
        }
    }
}
