import Foundation

/// A media playlist as written to disk: its segments, their EXTINF durations, and whether it ended.
struct HLSPlaylist {
    let directory: URL
    let text: String
    let segments: [String]
    let durations: [Double]

    var hasEndList: Bool { text.contains("#EXT-X-ENDLIST") }
    var totalDuration: Double { durations.reduce(0, +) }

    init(directory: URL) throws {
        try self.init(text: String(contentsOf: directory.appendingPathComponent("index.m3u8"), encoding: .utf8), directory: directory)
    }

    init(text: String, directory: URL) throws {
        self.directory = directory
        self.text = text
        var segments: [String] = []
        var durations: [Double] = []
        for line in text.split(whereSeparator: \.isNewline).map(String.init) {
            if line.hasPrefix("#EXTINF:") {
                let value = line.dropFirst("#EXTINF:".count).prefix { $0 != "," }
                guard let seconds = Double(value) else { throw ServiceTestFailure("bad EXTINF line: \(line)") }
                durations.append(seconds)
            } else if !line.hasPrefix("#"), !line.isEmpty {
                segments.append(line)
            }
        }
        self.segments = segments
        self.durations = durations
    }

    /// Segment files on disk (listed or not): after a SIGKILL the last one may be torn.
    static func segmentFiles(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".ts") || $0.hasSuffix(".m4s") }.sorted()
    }

    var missingSegments: [String] {
        segments.filter { !FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
    }

    /// Decodes every frame with ffprobe; returns the frame count, or throws with ffprobe's complaint.
    func decodedFrameCount() async throws -> Int {
        let result = try await ChildProcess.run("/usr/bin/env", [
            "ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0",
            directory.appendingPathComponent("index.m3u8").path,
        ], timeout: .seconds(60))
        guard result.status == 0, result.errors.isEmpty else {
            throw ServiceTestFailure("ffprobe on \(directory.path)/index.m3u8 exited \(result.status): \(result.errors)")
        }
        // One line per program or stream entry that ffprobe shows; they all name the same video stream.
        let counts = result.output.split(whereSeparator: \.isNewline).compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard let frames = counts.first else {
            throw ServiceTestFailure("ffprobe printed no frame count: \(result.output)")
        }
        return frames
    }
}
