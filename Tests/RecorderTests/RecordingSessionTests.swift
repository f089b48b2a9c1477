import Foundation
import Media
import Recorder
import Sessions
import Store
import StreamdTestSupport
import Testing

@Suite("recording sessions on each repository and the real pipeline")
struct RecordingSessionTests {
    @Test(arguments: RepositoryKind.available)
    func threeSecondsPlusPostRollEndsCompletedWithFourSecondsOfMedia(kind: RepositoryKind) async throws {
        try await RecorderFixture.with(kind) { fixture in
            let started = try await fixture.manager.start(StartRequest(sessionId: "rec-4s", source: .testsrc, durationSec: 3, postRollSec: 1))
            #expect([.starting, .recording].contains(started.status))

            // The live playlist (no ENDLIST) is checked on an open-ended session below: on a loaded
            // machine this one's first segment may only appear once its 4 s are over.
            let ended = try await fixture.waitForStatus("rec-4s", .completed)
            #expect(abs(ended.mediaDurationSec - 4.0) <= 0.3, "media \(ended.mediaDurationSec) s")
            #expect(try fixture.playlist("rec-4s").contains("#EXT-X-ENDLIST"))
            #expect(try fixture.playlist("rec-4s").contains("#EXT-X-PROGRAM-DATE-TIME"))
            #expect(abs(try fixture.listedSeconds("rec-4s") - 4.0) <= 0.3)
            let segments = try fixture.segments("rec-4s")
            #expect(ended.segmentCount == segments.count)
            for segment in segments {
                let report = try MediaProbe.probe(fixture.directory("rec-4s").appendingPathComponent(segment))
                #expect(report.codecName == "h264")
                #expect(report.pixelFormat == "yuv420p")
                #expect(report.width == 320 && report.height == 240)
                #expect(report.firstVideoPacketIsKeyframe, "\(segment) does not start with a keyframe")
                #expect(report.decodesCleanly, "\(segment) does not decode cleanly")
            }
            // The repository's row is the final truth, not just the manager's memory.
            let row = try #require(try await fixture.repository.get("rec-4s"))
            #expect(row.status == .completed)
            #expect(row.segmentCount == segments.count)
            #expect(row.bytes > 0)
            #expect(row.edgeEndTs ?? 0 > row.edgeStartTs ?? Int64.max)
            #expect(await fixture.manager.journalBacklog() == 0)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func closeEndsAnOpenEndedSessionAtOnce(kind: RepositoryKind) async throws {
        try await RecorderFixture.with(kind) { fixture in
            _ = try await fixture.manager.start(StartRequest(sessionId: "rec-open", source: .testsrc))
            #expect(try await RecorderFixture.eventually { (try? fixture.segments("rec-open").count ?? 0 >= 1) ?? false })
            // Open-ended, so it is surely still live here however slow the machine: no ENDLIST yet.
            #expect(try !fixture.playlist("rec-open").contains("#EXT-X-ENDLIST"))
            #expect(try fixture.playlist("rec-open").contains("#EXT-X-PROGRAM-DATE-TIME"))
            #expect(try await fixture.manager.session("rec-open")?.status == .recording)
            let closed = try await fixture.manager.close("rec-open")
            #expect(closed.status == .completed)
            #expect(closed.durationSec == nil)
            #expect(try fixture.playlist("rec-open").contains("#EXT-X-ENDLIST"))
            #expect(try await fixture.repository.get("rec-open")?.status == .completed)
            #expect(await fixture.manager.activeCount == 0)
        }
    }

    @Test(arguments: RepositoryKind.available)
    func threeSessionsRecordAtOnce(kind: RepositoryKind) async throws {
        try await RecorderFixture.with(kind) { fixture in
            let ids = ["multi-a", "multi-b", "multi-c"]
            // Open-ended, so all three are surely recording together however slow the machine is.
            for id in ids {
                _ = try await fixture.manager.start(StartRequest(sessionId: id, source: .testsrc, width: 160, height: 120))
            }
            #expect(await fixture.manager.activeCount == 3)
            for id in ids {
                #expect(try await RecorderFixture.eventually(within: 30) { (try? fixture.segments(id).count ?? 0 >= 1) ?? false })
            }
            #expect(await fixture.manager.activeCount == 3)
            for id in ids {
                let ended = try await fixture.manager.close(id)
                #expect(ended.status == .completed)
                #expect(ended.mediaDurationSec >= 2.0)
                #expect(try fixture.playlist(id).contains("#EXT-X-ENDLIST"))
                for segment in try fixture.segments(id) {
                    #expect(try MediaProbe.probe(fixture.directory(id).appendingPathComponent(segment)).decodesCleanly)
                }
            }
            let listed = try await fixture.manager.list(SessionQuery(status: .completed))
            #expect(Set(listed.map(\.sessionId)) == Set(ids))
        }
    }

    @Test(arguments: RepositoryKind.available)
    func cameraRequestWithoutACameraIsRefusedAndLeavesNothing(kind: RepositoryKind) async throws {
        try await RecorderFixture.with(kind) { fixture in
            await #expect(throws: RecorderError.self) {
                _ = try await fixture.manager.start(StartRequest(sessionId: "cam-1", source: .camera, device: "/dev/video-streamd-missing"))
            }
            do {
                _ = try await fixture.manager.start(StartRequest(sessionId: "cam-1", source: .camera, device: "/dev/video-streamd-missing"))
            } catch let error as RecorderError {
                #expect(error.kind == .invalid)
                #expect(error.message.contains("/dev/video-streamd-missing"))
                #expect(error.message.contains("No such file or directory"))
            }
            // /dev/null exists but is no camera (major 1, not 81): refused before it is opened.
            do {
                _ = try await fixture.manager.start(StartRequest(sessionId: "cam-2", source: .camera, device: "/dev/null"))
                Issue.record("a non-camera device was accepted")
            } catch let error as RecorderError {
                #expect(error.code == "invalid_device")
                #expect(error.message.contains("/dev/null"))
            }
            // auto without the device falls back to the test pattern (the seed's behaviour).
            let auto = try await fixture.manager.start(StartRequest(sessionId: "cam-auto", source: .auto, durationSec: 1))
            #expect(auto.source == "testsrc")
            #expect(try await fixture.repository.get("cam-1") == nil)
            #expect(!FileManager.default.fileExists(atPath: fixture.directory("cam-1").path))
            _ = try await fixture.manager.close("cam-auto")
        }
    }

    @Test(arguments: RepositoryKind.available)
    func duplicateIdsAreRefusedEvenAfterTheSessionEnded(kind: RepositoryKind) async throws {
        try await RecorderFixture.with(kind) { fixture in
            _ = try await fixture.manager.start(StartRequest(sessionId: "dup-1", source: .testsrc, durationSec: 0.5))
            _ = try await fixture.waitForStatus("dup-1", .completed)
            do {
                _ = try await fixture.manager.start(StartRequest(sessionId: "dup-1", source: .testsrc))
                Issue.record("duplicate accepted")
            } catch let error as RecorderError {
                #expect(error.kind == .conflict)
            }
            #expect(await fixture.manager.activeCount == 0)
        }
    }
}
