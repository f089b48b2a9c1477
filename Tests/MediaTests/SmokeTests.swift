import Foundation
import Testing
@testable import Media

@Test func smoke() async throws {
    let dir = try TemporaryDirectory()
    let spec = smallSpec(dir.url)
    let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
    pipeline.start()
    let events = await collectEvents(pipeline)
    print(events)
    print(playlistText(spec.directory) ?? "none")
    print(try FileManager.default.contentsOfDirectory(atPath: spec.directory.path))
}
