import Foundation
import Recorder
import Sessions
import Store
import StreamdTestSupport
import Testing

@Suite("retention by age and size")
struct RetentionTests {
    func endedSession(_ id: String, ageSeconds: Double, bytes: Int, node: String = "test-node", fixture: RecorderFixture) async throws {
        let created = Date(timeIntervalSinceNow: -ageSeconds)
        let session = Session(
            sessionId: id, deviceId: "cam", streamPath: id, status: .completed, source: "testsrc",
            playlistUrl: "http://test.local/\(id)/index.m3u8", bytes: Int64(bytes), node: node,
            createdAt: Date(timeIntervalSince1970: (created.timeIntervalSince1970 * 1000).rounded() / 1000), updatedAt: created)
        try await fixture.repository.create(session)
        if bytes > 0 {
            try FileManager.default.createDirectory(at: fixture.directory(id), withIntermediateDirectories: true)
            try Data(repeating: 7, count: bytes).write(to: fixture.directory(id).appendingPathComponent("seg_00000.ts"))
        }
    }

    @Test(arguments: RepositoryKind.available)
    func ageAndSizeLimitsDeleteExactlyTheOldestEndedSessions(kind: RepositoryKind) async throws {
        try await RecorderFixture.with(kind) { fixture in
            let day = 86_400.0
            try await endedSession("ret-a", ageSeconds: 10 * day, bytes: 1000, fixture: fixture)
            try await endedSession("ret-b", ageSeconds: 5 * day, bytes: 1000, fixture: fixture)
            try await endedSession("ret-c", ageSeconds: 3600, bytes: 1000, fixture: fixture)
            // Half-deleted: its files went, the row stayed (a crash between the two steps).
            try await endedSession("ret-half", ageSeconds: 3 * day, bytes: 0, fixture: fixture)

            let byAge = try await fixture.manager.applyRetention(RetentionPolicy(maxAgeSec: 7 * day))
            #expect(byAge.deleted == ["ret-a"])
            #expect(byAge.repaired == ["ret-half"])
            #expect(!FileManager.default.fileExists(atPath: fixture.directory("ret-a").path))
            #expect(try await fixture.repository.get("ret-a") == nil)
            #expect(try await fixture.repository.get("ret-half") == nil)

            let bySize = try await fixture.manager.applyRetention(RetentionPolicy(maxTotalBytes: 1500))
            #expect(bySize.deleted == ["ret-b"])
            #expect(try await fixture.repository.get("ret-c") != nil)

            // A recording session is never removed, whatever the limits say.
            _ = try await fixture.manager.start(StartRequest(sessionId: "ret-live", source: .testsrc, width: 160, height: 120))
            #expect(try await RecorderFixture.eventually { (try? fixture.segments("ret-live").isEmpty == false) ?? false })
            let everything = try await fixture.manager.applyRetention(RetentionPolicy(maxAgeSec: 0, maxTotalBytes: 0))
            #expect(everything.deleted == ["ret-c"])
            #expect(FileManager.default.fileExists(atPath: fixture.directory("ret-live").path))
            #expect(try await fixture.manager.session("ret-live")?.status == .recording)
            _ = try await fixture.manager.close("ret-live")
        }
    }

    /// Several nodes share the database (§12): another node's rows have no files here and are never
    /// this node's to delete or "repair", however old or large.
    @Test(arguments: RepositoryKind.available)
    func otherNodesSessionsAreNeverRetiredHere(kind: RepositoryKind) async throws {
        try await RecorderFixture.with(kind) { fixture in
            let day = 86_400.0
            try await endedSession("ret-own", ageSeconds: 10 * day, bytes: 1000, fixture: fixture)
            try await endedSession("ret-other", ageSeconds: 10 * day, bytes: 0, node: "other-node", fixture: fixture)
            let report = try await fixture.manager.applyRetention(RetentionPolicy(maxAgeSec: 7 * day, maxTotalBytes: 0))
            #expect(report.deleted == ["ret-own"])
            #expect(report.repaired == [])
            #expect(try await fixture.repository.get("ret-other") != nil)
        }
    }
}
