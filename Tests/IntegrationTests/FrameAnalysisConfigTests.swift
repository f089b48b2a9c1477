import Foundation
import StreamdTestSupport
import Testing

/// `media.thumbnail_interval_sec` and `media.motion_*` through `streamd check-config`.
@Suite(.serialized)
struct FrameAnalysisConfigTests {
    @Test("out-of-range values are refused, naming the key",
          .enabled(if: ServiceTestEnvironment.hasBinary, "STREAMD_BINARY is not set; run `make test`"),
          arguments: [
              ("thumbnail_interval_sec: 0.05", "media.thumbnail_interval_sec"),
              ("thumbnail_interval_sec: -1", "media.thumbnail_interval_sec"),
              ("motion_threshold: 0", "media.motion_threshold"),
              ("motion_threshold: 1.5", "media.motion_threshold"),
              ("motion_min_gap_sec: -2", "media.motion_min_gap_sec"),
              ("motion_samples_per_sec: 0", "media.motion_samples_per_sec"),
              ("motion_copy_frames: some", "media.motion_copy_frames"),
              ("motion_detection: maybe", "media.motion_detection"),
          ])
    func refused(line: String, key: String) async throws {
        let result = try await checkConfig("media:\n  \(line)\n")
        #expect(result.status != 0)
        #expect(result.errors.contains(key), "stderr: \(result.errors)")
    }

    @Test("the defaults, and valid values, are printed",
          .enabled(if: ServiceTestEnvironment.hasBinary, "STREAMD_BINARY is not set; run `make test`"))
    func accepted() async throws {
        let defaults = try await checkConfig("media: {}\n")
        #expect(defaults.status == 0, "\(defaults.combined)")
        for line in ["thumbnail_interval_sec: 10.0", "motion_detection: false", "motion_threshold: 0.02",
                     "motion_min_gap_sec: 10.0", "motion_samples_per_sec: 5.0", "motion_copy_frames: keyframes"] {
            #expect(defaults.output.contains(line), "\(line) in \(defaults.output)")
        }
        let set = try await checkConfig("""
            media:
              thumbnail_interval_sec: 0
              motion_detection: true
              motion_threshold: 0.05
              motion_copy_frames: all
            """)
        #expect(set.status == 0, "\(set.combined)")
        #expect(set.output.contains("thumbnail_interval_sec: 0.0"))
        #expect(set.output.contains("motion_detection: true"))
        #expect(set.output.contains("motion_threshold: 0.05"))
        #expect(set.output.contains("motion_copy_frames: all"))
    }

    private func checkConfig(_ yaml: String) async throws -> ChildProcess.Result {
        let binary = try #require(ServiceTestEnvironment.binary)
        let scratch = try ServiceTestEnvironment.scratchDirectory("streamd-frames-config")
        defer { ServiceTestEnvironment.removeScratch(scratch) }
        let file = scratch.appendingPathComponent("streamd.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        for (name, _) in environment where name.hasPrefix("STREAMD_") { environment[name] = nil }
        return try await ChildProcess.run(binary, ["check-config", "--config", file.path], environment: environment, timeout: .seconds(30))
    }
}
