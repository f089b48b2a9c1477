import Foundation

/// Reference encodes, made once per test run with the ffmpeg CLI, and their elementary streams.
enum MediaFixtures {
    static let ffmpeg = "/usr/bin/ffmpeg"
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rtsp-fixtures-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    struct Encode {
        /// The file publishers send with `-re -c copy`.
        var container: URL
        /// The same video as an Annex B elementary stream.
        var videoElementary: URL
        /// The audio as ADTS, when there is audio.
        var audioADTS: URL?
    }

    static func h264() async throws -> Encode {
        try await make(name: "h264", video: ["-c:v", "libx264", "-g", "30", "-pix_fmt", "yuv420p"], videoFormat: "h264", audio: false)
    }

    static func h265() async throws -> Encode {
        try await make(name: "h265", video: ["-c:v", "libx265", "-x265-params", "keyint=30:min-keyint=30:log-level=error",
                                             "-pix_fmt", "yuv420p", "-tag:v", "hvc1"], videoFormat: "hevc", audio: false)
    }

    static func h264AAC() async throws -> Encode {
        try await make(name: "h264aac", video: ["-c:v", "libx264", "-g", "30", "-pix_fmt", "yuv420p"], videoFormat: "h264", audio: true)
    }

    /// Tests run in parallel and several ask for the same encode at once: the first call makes it and
    /// the others wait on that one, instead of reading a file another call is still writing.
    private actor Made {
        var encodes: [String: Task<Encode, Error>] = [:]

        func encode(_ name: String, _ body: @escaping @Sendable () async throws -> Encode) async throws -> Encode {
            if let task = encodes[name] { return try await task.value }
            let task = Task { try await body() }
            encodes[name] = task
            return try await task.value
        }
    }

    private static let made = Made()

    private static func make(name: String, video: [String], videoFormat: String, audio: Bool) async throws -> Encode {
        try await made.encode(name) { try await makeOnce(name: name, video: video, videoFormat: videoFormat, audio: audio) }
    }

    private static func makeOnce(name: String, video: [String], videoFormat: String, audio: Bool) async throws -> Encode {
        let container = directory.appendingPathComponent("\(name).mp4")
        let elementary = directory.appendingPathComponent("\(name).\(videoFormat)")
        let adts = audio ? directory.appendingPathComponent("\(name).aac") : nil
        if !FileManager.default.fileExists(atPath: elementary.path) {
            var arguments = ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30"]
            if audio { arguments += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"] }
            arguments += ["-t", "3"] + video
            if audio { arguments += ["-c:a", "aac", "-b:a", "64k"] }
            arguments.append(container.path)
            try await check(arguments)
            try await check(["-hide_banner", "-loglevel", "error", "-y", "-i", container.path, "-map", "0:v", "-c", "copy",
                             "-f", videoFormat, elementary.path])
            if let adts {
                try await check(["-hide_banner", "-loglevel", "error", "-y", "-i", container.path, "-map", "0:a", "-c", "copy",
                                 "-f", "adts", adts.path])
            }
        }
        return Encode(container: container, videoElementary: elementary, audioADTS: adts)
    }

    private static func check(_ arguments: [String]) async throws {
        let (status, stderr) = try await ChildProcess.run(ffmpeg, arguments)
        guard status == 0 else { throw FixtureError(message: "ffmpeg \(arguments.joined(separator: " ")): \(stderr)") }
    }

    struct FixtureError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
