import Foundation
import StreamdTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A publisher or a source for the ingest tests (ffmpeg, gst-launch-1.0, python3): started in the
/// background, its output in a scratch file, stopped by the test with a signal of its choosing.
final class MediaChild: Sendable {
    let process: SpawnedProcess
    let name: String
    private let scratch: URL

    /// `command` starts with a program name looked up on PATH (through /usr/bin/env).
    init(_ name: String, _ command: [String]) throws {
        scratch = try ServiceTestEnvironment.scratchDirectory("streamd-\(name)")
        self.name = name
        process = try SpawnedProcess(["/usr/bin/env"] + command, outputPath: scratch.appendingPathComponent("output").path)
    }

    var output: String { process.output }
    var isRunning: Bool { process.status == nil }

    func send(_ signal: Int32) {
        guard isRunning else { return }
        kill(process.pid, signal)
    }

    /// Its exit status once it ends within `timeout`; throws with its output otherwise.
    func exitStatus(within timeout: Duration) async throws -> Int32 {
        guard await process.waitForExit(timeout: timeout), let status = process.status else {
            throw ServiceTestFailure("\(name) still runs after \(timeout):\n\(tailOfOutput)")
        }
        return status
    }

    /// SIGINT, then SIGKILL if it has not ended within `grace`; waits for the end.
    func stop(grace: Duration = .seconds(5)) async {
        send(SIGINT)
        if await process.waitForExit(timeout: grace) { return }
        send(SIGKILL)
        _ = await process.waitForExit(timeout: .seconds(5))
    }

    var tailOfOutput: String {
        output.split(separator: "\n", omittingEmptySubsequences: false).suffix(25).joined(separator: "\n")
    }

    /// Runs `body` with the child, and always stops it and removes its scratch directory afterwards.
    static func with<T>(_ name: String, _ command: [String], _ body: (MediaChild) async throws -> T) async throws -> T {
        let child = try MediaChild(name, command)
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body(child))
        } catch {
            outcome = .failure(error)
        }
        await child.stop()
        if case .failure = outcome { print("\(name) output (tail):\n\(child.tailOfOutput)") }
        ServiceTestEnvironment.removeScratch(child.scratch)
        return try outcome.get()
    }

    // MARK: Publishers

    /// ffmpeg publishing a live test pattern (x264, zerolatency) over RTSP. `transport` nil keeps
    /// ffmpeg's default (UDP).
    static func ffmpegPublish(to url: String, size: String = "320x240", rate: Int = 30, seconds: Double?,
                              transport: String? = "tcp", video: [String]? = nil, audio: Bool = false) -> [String] {
        var command = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "info", "-re",
                       "-f", "lavfi", "-i", "testsrc=size=\(size):rate=\(rate)"]
        if audio { command += ["-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"] }
        if let seconds { command += ["-t", String(seconds)] }
        command += video ?? ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", String(rate)]
        if audio { command += ["-c:a", "aac", "-b:a", "64k"] }
        if let transport { command += ["-rtsp_transport", transport] }
        return command + ["-f", "rtsp", url]
    }
}

/// ffprobe answers about files and playlists.
enum Probe {
    struct Stream {
        let codec: String
        let type: String
        let width: Int?
        let height: Int?
    }

    static func streams(_ path: String) async throws -> [Stream] {
        let result = try await ChildProcess.run("/usr/bin/env", [
            "ffprobe", "-v", "error", "-show_entries", "stream=codec_name,codec_type,width,height", "-of", "json", path,
        ], timeout: .seconds(30))
        guard result.status == 0,
              let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
              let streams = object["streams"] as? [[String: Any]] else {
            throw ServiceTestFailure("ffprobe \(path) exited \(result.status): \(result.errors)")
        }
        return streams.map {
            Stream(codec: $0["codec_name"] as? String ?? "", type: $0["codec_type"] as? String ?? "",
                   width: $0["width"] as? Int, height: $0["height"] as? Int)
        }
    }

    /// The H.264 NAL units of each video packet in decode order, without the AUD and parameter-set
    /// NALs a container adds (types 9, 7, 8) and without trailing zero bytes.
    static func h264AccessUnits(_ path: String) async throws -> [[[UInt8]]] {
        let result = try await ChildProcess.run("/usr/bin/env", [
            "ffprobe", "-v", "error", "-select_streams", "v:0", "-show_packets", "-show_data", "-of", "json", path,
        ], timeout: .seconds(60))
        guard result.status == 0,
              let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
              let packets = object["packets"] as? [[String: Any]] else {
            throw ServiceTestFailure("ffprobe -show_data \(path) exited \(result.status): \(result.errors)")
        }
        return packets.map { packet in
            let bytes = hexDump(packet["data"] as? String ?? "")
            return annexBUnits(bytes).filter { unit in
                guard let header = unit.first else { return false }
                return ![7, 8, 9].contains(header & 0x1f)
            }
        }
    }

    /// av_hex_dump's text: "00000000: 0000 0001 09f0 ...  ascii" → the bytes.
    static func hexDump(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for line in text.split(separator: "\n") {
            let characters = Array(line)
            guard characters.count > 10 else { continue }
            let hexArea = String(characters[10..<min(characters.count, 49)])
            let digits = Array(hexArea.filter { !$0.isWhitespace })
            var index = 0
            while index + 1 < digits.count {
                if let byte = UInt8(String(digits[index...index + 1]), radix: 16) { bytes.append(byte) }
                index += 2
            }
        }
        return bytes
    }

    /// Splits an Annex B byte stream at its start codes.
    static func annexBUnits(_ bytes: [UInt8]) -> [[UInt8]] {
        var starts: [(code: Int, payload: Int)] = []
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 {
                starts.append((index, index + 3))
                index += 3
            } else {
                index += 1
            }
        }
        var units: [[UInt8]] = []
        for (position, start) in starts.enumerated() {
            let end = position + 1 < starts.count ? starts[position + 1].code : bytes.count
            var unit = Array(bytes[start.payload..<end])
            while unit.last == 0 { unit.removeLast() }
            if !unit.isEmpty { units.append(unit) }
        }
        return units
    }
}

extension ServiceDaemon {
    /// A request with a bearer token, for daemons that run with `STREAMD_API_TOKEN`.
    func request(_ method: String, _ path: String, json: String? = nil, token: String) async throws -> Response {
        guard let url = URL(string: baseURL + path) else { throw ServiceTestFailure("bad path \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw ServiceTestFailure("not an HTTP response") }
        var headers: [String: String] = [:]
        for case let (key as String, value as String) in http.allHeaderFields { headers[key.lowercased()] = value }
        return Response(status: http.statusCode, headers: headers, body: data)
    }

    func rtspURL(_ path: String, credentials: String? = nil) -> String {
        "rtsp://\(credentials.map { "\($0)@" } ?? "")127.0.0.1:\(rtspPort)/\(path)"
    }

    /// Waits for the session to reach one of the ended states and returns it.
    func waitForEnd(_ id: String, timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        try await Eventually.value("\(id) to end", timeout: timeout, interval: .milliseconds(200)) {
            let session = try await session(id)
            return ["completed", "failed", "interrupted"].contains(session["status"] as? String ?? "") ? session : nil
        }
    }

    /// Waits for the session to exist and record at least `segments` segments (auto-created sessions appear
    /// only when their publisher announces).
    func waitForRecording(_ id: String, segments: Int = 1, timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        try await Eventually.value("\(id) to record \(segments) segment(s)", timeout: timeout, interval: .milliseconds(200)) {
            let response = try await request("GET", "/sessions/\(id)")
            guard response.status == 200 else { return nil }
            let session = try response.object()
            return (session["segment_count"] as? Int ?? 0) >= segments ? session : nil
        }
    }

    func close(_ id: String, body: String = "{}") async throws -> [String: Any] {
        let response = try await request("POST", "/sessions/\(id)/close", json: body)
        guard response.status == 200 else { throw ServiceTestFailure("close \(id) answered \(response.status): \(response.text)") }
        return try response.object()
    }

    /// The ended recording's playlist, after checking the on-disk contract: ENDLIST, every segment there.
    func endedPlaylist(_ id: String) throws -> HLSPlaylist {
        let playlist = try HLSPlaylist(directory: storage.recording(id))
        guard playlist.hasEndList, playlist.missingSegments.isEmpty, !playlist.segments.isEmpty else {
            throw ServiceTestFailure("\(id)'s playlist is not a finished recording:\n\(playlist.text)")
        }
        return playlist
    }
}

extension RawConnection {
    /// Sends `bytes` as far as the peer takes them, then waits (bounded) for the peer to close.
    static func sendAndClose(port: Int, _ bytes: [UInt8]) async throws {
        let connection = try RawConnection(port: port)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(connection.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { break }
            offset += sent
        }
        _ = try await connection.waitUntilClosed(timeout: .seconds(3))
    }
}
