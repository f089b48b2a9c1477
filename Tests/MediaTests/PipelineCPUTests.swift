import Foundation
import StreamdTestSupport
import Testing
import Media

/// Prints the CPU the pipeline costs per media second, for comparison with the ffmpeg CLI
/// (bench/pipeline). Not an assertion: CPU time depends on the machine. Opt in with
/// STREAMD_MEDIA_CPU=1 and run it alone (`swift test --filter PipelineCPU`), since the process's
/// CPU time includes every test running beside it.
@Suite("PipelineCPU", .serialized, .enabled(if: ProcessInfo.processInfo.environment["STREAMD_MEDIA_CPU"] == "1"))
struct PipelineCPUTests {
    @Test(arguments: [(640, 480), (1280, 720)])
    func cpuPerMediaSecond(size: (Int, Int)) async throws {
        let seconds = Double(ProcessInfo.processInfo.environment["STREAMD_MEDIA_CPU_SECONDS"] ?? "") ?? 10
        let temp = try TemporaryDirectory()
        // STREAMD_MEDIA_CPU_DIR keeps the recording for inspection.
        let keep = ProcessInfo.processInfo.environment["STREAMD_MEDIA_CPU_DIR"].map { URL(fileURLWithPath: $0) }
        let spec = RecordingSpec(sessionId: "cpu\(size.0)", directory: (keep ?? temp.url).appendingPathComponent("cpu\(size.0)x\(size.1)"),
                                 width: size.0, height: size.1, fps: 30, maxMediaSeconds: seconds)
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        let before = processCPUSeconds()
        let wallStart = Date()
        pipeline.start()
        var firstSegmentAfter: Double?
        var finalStats: PipelineStats?
        for await event in pipeline.events {
            switch event {
            case .segmentWritten where firstSegmentAfter == nil:
                firstSegmentAfter = Date().timeIntervalSince(wallStart)
            case .finished(_, let stats):
                finalStats = stats
            default:
                break
            }
        }
        let cpu = processCPUSeconds() - before
        let media = try #require(finalStats?.mediaDurationSec)
        print(String(format: "streamd pipeline %dx%d: %.2f s CPU for %.2f s media = %.4f CPU s per media s; first segment listed after %.2f s",
                     size.0, size.1, cpu, media, cpu / media, firstSegmentAfter ?? -1))
    }
}

/// User + system CPU seconds of this process (all threads).
private func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
