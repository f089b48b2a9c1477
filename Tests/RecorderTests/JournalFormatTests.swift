import Foundation
import Logging
import Recorder
import Sessions
import Store
import Testing

/// The journal file outlives the build that wrote it: lines written by the round-1 build (Swift's
/// synthesized `Session` coding, no version) must replay after an upgrade.
@Suite struct JournalFormatTests {
    /// A line exactly as the round-1 build wrote it (dates are seconds since 2001-01-01).
    static let roundOneLine = #"{"sequence":7,"operation":{"upsert":{"_0":{"sessionId":"old-1","deviceId":"cam-local","streamPath":"old-1","status":"completed","source":"testsrc","edgeStartTs":1707912000000,"edgeEndTs":1707912004000,"playlistUrl":"http:\/\/127.0.0.1:8080\/old-1\/index.m3u8","durationSec":4,"postRollSec":0,"width":640,"height":480,"fps":30,"mediaDurationSec":4,"segmentCount":2,"bytes":123456,"node":"node-a","createdAt":786000000.5,"updatedAt":786000004.25}}}}"#

    @Test func roundOneJournalLinesReplay() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("journal.jsonl")
        try Data((Self.roundOneLine + "\n" + #"{"sequence":8,"operation":{"delete":{"_0":"old-2"}}}"# + "\n").utf8).write(to: file)

        let repository = InMemorySessionRepository()
        let journal = SessionJournal(fileURL: file, repository: repository, logger: Logger(label: "test"))
        try await journal.load()
        let pending = try #require(await journal.pendingSession("old-1"))
        #expect(pending.status == .completed)
        #expect(pending.width == 640 && pending.segmentCount == 2 && pending.bytes == 123456)
        #expect(pending.edgeEndTs == 1707912004000)
        #expect(pending.createdAt == Date(timeIntervalSinceReferenceDate: 786000000.5))
        #expect(pending.videoCodec == "h264" && pending.audioCodec == nil && !pending.transcoded && pending.reconnects == 0)
        #expect(await journal.isPendingDelete("old-2"))

        await journal.flush()
        let stored = try #require(try await repository.get("old-1"))
        #expect(stored.node == "node-a" && stored.mediaDurationSec == 4)
        #expect(await journal.backlog == 0)
    }

    @Test func newRecordsRoundTripWithTheirRoundTwoFields() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("journal.jsonl")
        let repository = InMemorySessionRepository()
        await repository.setHealthy(false)
        let now = Date(epochMilliseconds: Date().epochMilliseconds)
        let session = Session(
            sessionId: "pull-1", deviceId: "gate", streamPath: "pull-1", status: .recording, source: "pull",
            playlistUrl: "http://x/pull-1/index.m3u8", sourceUrl: "rtsp://user:***@cam/stream", videoCodec: "hevc",
            audioCodec: "aac", transcoded: false, reconnects: 3, createdAt: now, updatedAt: now)
        let writer = SessionJournal(fileURL: file, repository: FailingRepository(), logger: Logger(label: "test"))
        await writer.record(session)

        let reader = SessionJournal(fileURL: file, repository: repository, logger: Logger(label: "test"))
        try await reader.load()
        #expect(await reader.pendingSession("pull-1") == session)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(#""version":2"#))
    }
}

/// A database that is always down: the journal keeps every change.
private struct FailingRepository: SessionRepository {
    struct Down: Error {}
    func create(_ session: Session) async throws { throw Down() }
    func upsert(_ session: Session) async throws { throw Down() }
    func get(_ sessionId: String) async throws -> Session? { throw Down() }
    func list(_ query: SessionQuery) async throws -> [Session] { throw Down() }
    func sessions(node: String, statuses: [SessionStatus]) async throws -> [Session] { throw Down() }
    func delete(_ sessionId: String) async throws -> Bool { throw Down() }
    func statusCounts() async throws -> [SessionStatus: Int] { throw Down() }
    func isHealthy() async -> Bool { false }
}
