import Foundation
import Media
import Recorder
import Sessions
import Store
import StreamdTestSupport
import Testing

@Suite("crash recovery at start")
struct RecoveryTests {
    /// Leaves what a SIGKILL leaves: a row still `recording`, a playlist without ENDLIST, a torn last segment.
    @Test(arguments: RepositoryKind.available)
    func unfinishedSessionsOfThisNodeAreFinalized(kind: RepositoryKind) async throws {
        try await RecorderFixture.with(kind) { fixture in
            _ = try await fixture.manager.start(StartRequest(sessionId: "donor", source: .testsrc, width: 160, height: 120))
            #expect(try await RecorderFixture.eventually(within: 30) { (try? fixture.segments("donor").count ?? 0 >= 3) ?? false })

            let crashed = fixture.directory("crashed")
            try FileManager.default.copyItem(at: fixture.directory("donor"), to: crashed)
            _ = try await fixture.manager.close("donor")
            let listed = try fixture.segments("crashed")
            #expect(try !fixture.playlist("crashed").contains("#EXT-X-ENDLIST"))
            // Tear the last listed segment in half.
            let last = crashed.appendingPathComponent(try #require(listed.last))
            let bytes = try Data(contentsOf: last)
            try bytes.prefix(bytes.count / 2 / 188 * 188 + 77).write(to: last)

            var row = try #require(try await fixture.repository.get("donor"))
            row.sessionId = "crashed"
            row.streamPath = "crashed"
            row.status = .recording
            row.mediaDurationSec = 0
            row.segmentCount = 0
            try await fixture.repository.create(row)
            var foreign = row
            foreign.sessionId = "other-node"
            foreign.node = "another-node"
            try await fixture.repository.create(foreign)

            let restarted = SessionManager(config: fixture.manager.config, repository: fixture.repository, logger: .init(label: "restarted"))
            let recovered = try await restarted.recover()
            #expect(recovered.map(\.sessionId) == ["crashed"])

            let final = try #require(try await fixture.repository.get("crashed"))
            #expect(final.status == .interrupted)
            let playlist = try fixture.playlist("crashed")
            #expect(playlist.contains("#EXT-X-ENDLIST"))
            let kept = try fixture.segments("crashed")
            #expect(kept.count >= listed.count - 1, "all but at most the last segment are kept")
            #expect(final.segmentCount == kept.count)
            #expect(abs(final.mediaDurationSec - (try fixture.listedSeconds("crashed"))) < 0.01)
            for segment in kept {
                #expect(try MediaProbe.probe(crashed.appendingPathComponent(segment)).decodesCleanly, "\(segment)")
            }
            // Another node's session is not ours to finalize.
            #expect(try await fixture.repository.get("other-node")?.status == .recording)
            // Running recovery again changes nothing.
            #expect(try await restarted.recover().isEmpty)
        }
    }
}
