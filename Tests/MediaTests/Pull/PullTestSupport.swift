import Foundation
import Glibc
import Synchronization
import StreamdTestSupport
import Testing
@testable import Media

/// An `ffmpeg -listen 1` server streaming a live test pattern, started and killed by a test.
final class FFmpegServer {
    let url: String
    private let process: Process

    /// `format` "mpegts" (H.264 in MPEG-TS) or "mpjpeg" (MJPEG parts), over HTTP on `port`.
    init(port: UInt16, format: String = "mpegts") throws {
        url = "http://127.0.0.1:\(port)/live"
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30"]
        if format == "mpjpeg" {
            arguments += ["-c:v", "mjpeg", "-q:v", "6", "-r", "15", "-f", "mpjpeg"]
        } else {
            arguments += ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-threads", "1", "-g", "30", "-f", "mpegts"]
        }
        arguments += ["-listen", "1", url]
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Connecting to see whether it listens would take its one client: read the socket table.
        let deadline = Date().addingTimeInterval(10)
        while !isListening(port: port), Date() < deadline { usleep(20_000) }
    }

    /// SIGKILL, as a crashed or unplugged source.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { kill() }
}

/// Whether a local TCP socket is in LISTEN state on `port` (from /proc/net/tcp).
func isListening(port: UInt16) -> Bool {
    guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return false }
    let suffix = String(format: ":%04X", port)
    return table.split(separator: "\n").dropFirst().contains { line in
        let fields = line.split(separator: " ")
        return fields.count > 3 && fields[1].hasSuffix(suffix) && fields[3] == "0A"
    }
}

/// A socket that listens and never answers: connections are accepted by the kernel, requests
/// get no reply.
final class SilentListener {
    let port: UInt16
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MediaError.fileSystem("open a socket for", "a listener", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard ready else {
            close(fd)
            throw MediaError.fileSystem("listen on", "127.0.0.1:0", errno: errno)
        }
        port = UInt16(bigEndian: address.sin_port)
        self.fd = fd
    }

    deinit { close(fd) }
}

/// A TCP port nobody listens on right now: the shared one, below the ephemeral range, so an
/// outgoing connection of another test cannot take it before the ffmpeg server binds it.
func freePort() throws -> UInt16 {
    UInt16(try FreePort.next())
}

/// Follows a recording's events as they come, so a test can wait for one with a bound.
final class EventLog: Sendable {
    private let events = Mutex<[PipelineEvent]>([])
    private let ended = Mutex(false)

    init(_ recording: some Recording) {
        let stream = recording.events
        Task.detached { [self] in
            for await event in stream { events.withLock { $0.append(event) } }
            ended.withLock { $0 = true }
        }
    }

    var all: [PipelineEvent] { events.withLock { $0 } }
    var hasEnded: Bool { ended.withLock { $0 } }

    /// The newest stats any event carried.
    var latestStats: PipelineStats? {
        for event in all.reversed() {
            switch event {
            case .segmentWritten(_, let stats), .progress(let stats), .finished(_, let stats): return stats
            case .started, .motion: continue
            }
        }
        return nil
    }

    /// Waits up to `seconds` for `condition` on the events so far; records an issue when it
    /// does not hold by then.
    @discardableResult
    func wait(seconds: Double, for what: String, _ condition: @escaping ([PipelineEvent]) -> Bool) async throws -> Bool {
        let held = await Eventually.holds(within: .milliseconds(Int(seconds * 1000)), interval: .milliseconds(20)) { condition(self.all) }
        if !held { Issue.record("not within \(seconds) s: \(what)") }
        return held
    }

    func waitForEnd(seconds: Double) async throws -> Bool {
        try await wait(seconds: seconds, for: "the recording ended") { _ in self.hasEnded }
    }
}
