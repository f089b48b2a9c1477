import Foundation
import Testing
@testable import RTSPServer

/// CPU of the server while N ffmpeg publishers send a pre-encoded 720p30 2 Mbit/s file with
/// `-re -c copy`. Only with RTSP_BENCH=N (publishers) in the environment; prints its figures.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["RTSP_BENCH"] != nil))
struct IngestBenchmark {
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    @Test(arguments: ["udp", "tcp"])
    func publishers(transport: String) async throws {
        let count = Int(ProcessInfo.processInfo.environment["RTSP_BENCH"] ?? "") ?? 10
        let file = MediaFixtures.directory.appendingPathComponent("bench720.mp4")
        if !FileManager.default.fileExists(atPath: file.path) {
            let (status, stderr) = try await ChildProcess.run(MediaFixtures.ffmpeg, [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-t", "20",
                "-c:v", "libx264", "-preset", "veryfast", "-b:v", "2M", "-maxrate", "2M", "-bufsize", "4M", "-g", "60", file.path,
            ], timeout: .seconds(300))
            #expect(status == 0, "\(stderr)")
        }
        let authority = TestAuthority()
        try await ServerHarness.withServer(authority: authority) { _, port in
            // The harness's own cost (polling child processes) over 5 s, to subtract.
            let idleCPU = Self.cpuSeconds()
            _ = await eventually(timeout: .seconds(5)) { false }
            let idlePerSecond = (Self.cpuSeconds() - idleCPU) / 5
            let startCPU = Self.cpuSeconds()
            let start = ContinuousClock.now
            let publishers = try (0..<count).map { index in
                try FFmpegPublishTests.publish(file, port: port, path: "bench-\(index)", transport: transport)
            }
            var failures = 0
            for publisher in publishers where await publisher.wait(timeout: .seconds(120)) != 0 { failures += 1 }
            _ = await eventually { authority.sinks.allSatisfy { $0.exit != nil } }
            let wall = ContinuousClock.now - start
            let seconds0 = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            let cpu = Self.cpuSeconds() - startCPU - idlePerSecond * seconds0
            let sinks = authority.sinks
            let lost = sinks.reduce(0) { $0 + $1.handle.stats.packetsLost }
            let units = sinks.map { $0.units.count }
            let bytes = sinks.reduce(0) { $0 + $1.handle.stats.bytesReceived }
            let seconds = seconds0
            print("RTSP_BENCH transport=\(transport) publishers=\(count) failures=\(failures) wall=\(String(format: "%.1f", seconds))s "
                + "idle=\(String(format: "%.4f", idlePerSecond))core cpu=\(String(format: "%.2f", cpu))s perSessionCore=\(String(format: "%.4f", cpu / seconds / Double(count))) "
                + "lost=\(lost) units(min/max)=\(units.min() ?? 0)/\(units.max() ?? 0) MB=\(bytes / 1_000_000)")
            #expect(failures == 0)
        }
    }
}
