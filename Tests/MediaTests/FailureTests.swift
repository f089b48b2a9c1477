import Foundation
import Synchronization
import StreamdTestSupport
import Testing
import LibAV
@testable import Media

@Suite("Failures end recordings cleanly")
struct FailureTests {
    @Test("a missing camera is an error naming the device and the OS error")
    func missingCamera() throws {
        let device = "/dev/streamd-test-video0"
        let error = try #require(throws: MediaError.self) { try CameraProbe.check(device: device) }
        #expect(error == .deviceUnavailable(device: device, errno: ENOENT, message: "No such file or directory"))
        #expect(error.description == "Cannot open video device \(device): No such file or directory")
        #expect(error.posixErrno == ENOENT)
    }

    @Test("a regular file or /dev/null as camera is refused as not a video device")
    func notACamera() throws {
        let temp = try TemporaryDirectory()
        let file = temp.file("video0")
        try Data("not a camera".utf8).write(to: file)
        for device in [file.path, "/dev/null"] {
            let error = try #require(throws: MediaError.self) { try CameraProbe.check(device: device) }
            guard case let .deviceUnavailable(named, code, _) = error else {
                Issue.record("unexpected \(error)")
                continue
            }
            #expect(named == device)
            #expect(code == ENOTTY)
            #expect(error.description.hasPrefix("Cannot open video device \(device): "))
        }
    }

    @Test("a pipeline whose camera is missing fails with the device error and still leaves a finalized playlist")
    func pipelineWithMissingCamera() async throws {
        let temp = try TemporaryDirectory()
        let spec = smallSpec(temp.url, id: "nocam", seconds: 4, source: .camera(device: "/dev/streamd-test-video0", inputFormat: nil))
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        let events = await collectEvents(pipeline)
        #expect(events.count == 1)
        guard case let .failed(reason)? = events.finished?.0 else {
            Issue.record("expected a failure, got \(String(describing: events.finished))")
            return
        }
        #expect(reason.contains("/dev/streamd-test-video0"))
        #expect(reason.contains("No such file or directory"))
        let text = try #require(playlistText(spec.directory))
        #expect(text.contains("#EXT-X-ENDLIST"))
        #expect(listedSegments(spec.directory).isEmpty)
    }

    @Test("invalid settings fail the recording with a sentence, not a crash")
    func invalidSpec() async throws {
        let temp = try TemporaryDirectory()
        var spec = smallSpec(temp.url, id: "odd", seconds: 1)
        spec.width = 321
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        let events = await collectEvents(pipeline)
        guard case let .failed(reason)? = events.finished?.0 else {
            Issue.record("expected a failure, got \(String(describing: events.finished))")
            return
        }
        #expect(reason.contains("321x240"))
        #expect(playlistText(spec.directory)?.contains("#EXT-X-ENDLIST") == true)
    }

    @Test("losing the output directory mid-recording fails the session and leaves a finalized playlist")
    func writeFailure() async throws {
        let temp = try TemporaryDirectory()
        let spec = smallSpec(temp.url, id: "vanish", seconds: nil)
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        let collector = Task { await collectEvents(pipeline, timeout: .seconds(60)) }
        let listed = await Eventually.holds(within: .seconds(30)) { !listedSegments(spec.directory).isEmpty }
        #expect(listed)
        // Renamed away in one step: deleting it file by file races the muxer, which keeps creating files.
        let gone = temp.url.appendingPathComponent("vanish.gone")
        #expect(rename(spec.directory.path, gone.path) == 0)
        // The write failure must end the open-ended recording by itself: nothing calls stop(), and
        // collectEvents fails the test if it does not finish.
        let events = await collector.value
        guard case .failed? = events.finished?.0 else {
            Issue.record("expected a failure, got \(String(describing: events.finished))")
            return
        }
        #expect(playlistText(spec.directory)?.contains("#EXT-X-ENDLIST") == true)
    }

    @Test("a mistyped encoder option is an error, not silently ignored")
    func unrecognizedOption() throws {
        let encoder = try CodecContext.encoder(named: "libx264")
        encoder.width = 320
        encoder.height = 240
        encoder.pixelFormat = .yuv420p
        encoder.timeBase = Rational(1, 30)
        let error = try #require(throws: LibAVError.self) { try encoder.open(options: [("preset", "veryfast"), ("crff", "23")]) }
        #expect(error == .unrecognizedOptions(component: "libx264", names: ["crff"]))
    }

    @Test("the stall watchdog flags a source that delivers nothing")
    func stallWatchdog() async throws {
        let control = PipelineControl()
        control.noteFrame()
        let watchdog = StallWatchdog(control: control, timeoutSeconds: 0.2)
        let stalled = await Eventually.holds(within: .seconds(10), interval: .milliseconds(20)) { control.isStalled }
        withExtendedLifetime(watchdog) {}
        #expect(stalled)
        #expect(control.shouldInterrupt)
        #expect(control.wait(untilMonotonic: MonotonicClock.nanoseconds() + 5_000_000_000))
    }

    @Test("a removed stall check stops running while the others go on")
    func stallChecksRemoval() async throws {
        let removed = Atomic<Int>(0), witness = Atomic<Int>(0)
        let removedKey = StallChecks.shared.add { removed.add(1, ordering: .relaxed) }
        let witnessKey = StallChecks.shared.add { witness.add(1, ordering: .relaxed) }
        defer { StallChecks.shared.remove(witnessKey) }
        let ran = await Eventually.holds(within: .seconds(10), interval: .milliseconds(10)) {
            removed.load(ordering: .relaxed) >= 2
        }
        #expect(ran)
        StallChecks.shared.remove(removedKey)
        let countAtRemoval = removed.load(ordering: .relaxed)
        let witnessAtRemoval = witness.load(ordering: .relaxed)
        // Two more passes of the witness: at least one whole pass began after the removal.
        let passed = await Eventually.holds(within: .seconds(10), interval: .milliseconds(10)) {
            witness.load(ordering: .relaxed) >= witnessAtRemoval + 2
        }
        #expect(passed)
        #expect(removed.load(ordering: .relaxed) <= countAtRemoval + 1)
    }
}
