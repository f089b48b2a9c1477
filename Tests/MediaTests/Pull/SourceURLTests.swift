import StreamdTestSupport
import Testing
@testable import Media

@Suite("SourceURL keeps credentials out of sight")
struct SourceURLTests {
    @Test("the password is replaced by *** and the host is found", arguments: [
        ("rtsp://admin:s3cret@cam.local:554/stream1", "rtsp://admin:***@cam.local:554/stream1", "cam.local"),
        ("rtsp://cam.local/stream1", "rtsp://cam.local/stream1", "cam.local"),
        ("rtmp://user@10.0.0.5/live/x", "rtmp://user@10.0.0.5/live/x", "10.0.0.5"),
        ("http://a:b:c@[::1]:8080/x?token=1", "http://a:***@[::1]:8080/x?token=1", "::1"),
        ("srt://host:9000?streamid=x", "srt://host:9000?streamid=x", "host"),
    ])
    func redaction(input: String, redacted: String, host: String) throws {
        let url = try #require(SourceURL(input))
        #expect(url.redacted == redacted)
        #expect(url.description == redacted)
        #expect(url.host == host)
        #expect(url.secret == input)
    }

    @Test("unsupported schemes and hostless URLs are refused", arguments: ["file:///etc/passwd", "rtsp://", "ftp://h/x", "cam.local", "rtsp://h/a b"])
    func refused(input: String) {
        #expect(SourceURL(input) == nil)
    }

    @Test("URLs inside FFmpeg's log lines are redacted")
    func logLines() {
        #expect(SourceURL.redact("Opening 'rtsp://u:p4ss@h:554/x' for reading") == "Opening 'rtsp://u:***@h:554/x' for reading")
        #expect(SourceURL.redact("[tcp @ 0x1] Connection to tcp://h:1 failed") == "[tcp @ 0x1] Connection to tcp://h:1 failed")
        #expect(SourceURL.redact("a http://x:y@h/ and rtsp://q:w@k/") == "a http://x:***@h/ and rtsp://q:***@k/")
    }

    @Test("FFmpeg's own log lines reach swift-log with the password redacted")
    func ffmpegLogRoute() {
        _ = TestLog.logger
        FFmpegLogging.emit(avLevel: .error, line: "[rtsp @ 0x1] method DESCRIBE failed for rtsp://cam:hunter2@10.0.0.9/live")
        let lines = TestLog.records { $0.message.contains("method DESCRIBE failed") }
        #expect(lines.contains { $0.message.hasSuffix("rtsp://cam:***@10.0.0.9/live") })
        #expect(!lines.contains { $0.message.contains("hunter2") })
    }
}
