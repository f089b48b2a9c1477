import Foundation
import StreamdTestSupport
import Testing
@testable import Media

/// A recording on a tiny tmpfs runs out of space. Needs root to mount it: skipped, visibly, otherwise.
@Suite("Disk full", .enabled(if: geteuid() == 0, "needs root to mount a 200 KiB tmpfs (make test runs as root in CI)"))
struct DiskFullTests {
    @Test("ENOSPC mid-recording: the session fails naming the full disk, the playlist ends with ENDLIST and lists only whole segments")
    func diskFull() async throws {
        let temp = try TemporaryDirectory()
        let mountPoint = temp.file("small")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let mounted = try runToolStatus("mount", ["-t", "tmpfs", "-o", "size=200k", "tmpfs", mountPoint.path])
        try #require(mounted == 0, "cannot mount a tmpfs on \(mountPoint.path) although running as root")
        defer {
            do {
                if try runToolStatus("umount", [mountPoint.path]) != 0 { print("could not unmount \(mountPoint.path)") }
            } catch {
                print("could not unmount \(mountPoint.path): \(error)")
            }
        }

        let spec = smallSpec(mountPoint, id: "full", seconds: 30)
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        let events = await collectEvents(pipeline)
        guard case let .failed(reason)? = events.finished?.0 else {
            Issue.record("expected a failure, got \(String(describing: events.finished))")
            return
        }
        #expect(reason.contains("No space left on device"))
        let text = try #require(playlistText(spec.directory))
        #expect(text.hasSuffix("#EXT-X-ENDLIST\n"))
        for name in listedSegments(spec.directory) {
            let report = try MediaProbe.probe(spec.directory.appendingPathComponent(name))
            #expect(report.decodesCleanly && report.firstVideoPacketIsKeyframe, "\(name): \(report)")
        }
    }
}

/// Runs a tool and returns its exit status.
func runToolStatus(_ executable: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}
