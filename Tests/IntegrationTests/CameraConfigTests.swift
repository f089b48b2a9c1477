import Foundation
import StreamdTestSupport
import Testing

/// The config's `cameras:` list, through `streamd check-config` as an operator runs it.
@Suite(.serialized)
struct CameraConfigTests {
    @Test("a camera item with a bad value or an unknown key is refused, naming the item's key",
          .enabled(if: ServiceTestEnvironment.hasBinary, "STREAMD_BINARY is not set; run `make test`"),
          arguments: [
              ("url: ftp://viewer:hunter2@cam/x\n    record: always", "cameras[0].url"),
              ("url: rtsp://cam/x\n    record: sometimes", "cameras[0].record"),
              ("url: rtsp://cam/x\n    colour: red", "cameras[0].colour"),
              ("url: \"\"", "cameras[0].url"),
          ])
    func refused(item: String, key: String) async throws {
        let result = try await checkConfig("cameras:\n  - device_id: gate\n    \(item)\n")
        #expect(result.status != 0)
        #expect(result.errors.contains(key), "stderr: \(result.errors)")
        #expect(!result.combined.contains("hunter2"), "the password is redacted: \(result.combined)")
    }

    @Test("a device_id listed twice, or not printable, is refused",
          .enabled(if: ServiceTestEnvironment.hasBinary, "STREAMD_BINARY is not set; run `make test`"),
          arguments: [
              "cameras:\n  - {device_id: gate, url: rtsp://a/x}\n  - {device_id: gate, url: rtsp://b/x}\n",
              "cameras:\n  - {device_id: \"front door\", url: rtsp://a/x}\n",
              "cameras:\n  - {device_id: \"\", url: rtsp://a/x}\n",
              "ingest: {max_session_sec: 1}\n",
          ])
    func refusedIds(config: String) async throws {
        let result = try await checkConfig(config)
        #expect(result.status != 0, "\(result.combined)")
        #expect(result.errors.contains("device_id") || result.errors.contains("max_session_sec"), "stderr: \(result.errors)")
    }

    @Test("always and off cameras (off unquoted) are accepted and listed with their URLs redacted",
          .enabled(if: ServiceTestEnvironment.hasBinary, "STREAMD_BINARY is not set; run `make test`"))
    func accepted() async throws {
        let result = try await checkConfig("""
            ingest: {max_session_sec: 2}
            cameras:
              - device_id: gate
                url: rtsp://viewer:hunter2@192.168.1.20/stream1
                record: always
              - {device_id: garage, url: "http://192.168.1.21/video.ts", record: off}
            """)
        #expect(result.status == 0, "\(result.combined)")
        #expect(result.output.contains("device_id: \"gate\", url: \"rtsp://viewer:***@192.168.1.20/stream1\", record: always"))
        #expect(result.output.contains("device_id: \"garage\", url: \"http://192.168.1.21/video.ts\", record: off"))
        #expect(!result.combined.contains("hunter2"))
    }

    private func checkConfig(_ yaml: String) async throws -> ChildProcess.Result {
        let binary = try #require(ServiceTestEnvironment.binary)
        let scratch = try ServiceTestEnvironment.scratchDirectory("streamd-cameras")
        defer { ServiceTestEnvironment.removeScratch(scratch) }
        let file = scratch.appendingPathComponent("cameras.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        for (name, _) in environment where name.hasPrefix("STREAMD_") { environment[name] = nil }
        return try await ChildProcess.run(binary, ["check-config", "--config", file.path], environment: environment, timeout: .seconds(30))
    }
}
