import Foundation

/// A media playlist as written to disk: its segments, their EXTINF durations, and whether it ended.
/// The one playlist parser of every test target.
public struct HLSPlaylist: Sendable {
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    public let directory: URL
    public let text: String
    public let segments: [String]
    public let durations: [Double]

    public var hasEndList: Bool { text.contains("#EXT-X-ENDLIST") }
    public var totalDuration: Double { durations.reduce(0, +) }

    /// `index.m3u8` in `directory`.
    public init(directory: URL, name: String = "index.m3u8") throws {
        try self.init(text: String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8), directory: directory)
    }

    /// The playlist in `directory`, or nil while it does not exist yet (a recording that has not
    /// written one); a playlist that exists but cannot be read or parsed throws.
    public static func ifPresent(in directory: URL) throws -> HLSPlaylist? {
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("index.m3u8").path) else { return nil }
        return try HLSPlaylist(directory: directory)
    }

    public init(text: String, directory: URL) throws {
        self.directory = directory
        self.text = text
        var segments: [String] = []
        var durations: [Double] = []
        for line in text.split(whereSeparator: \.isNewline).map(String.init) {
            if line.hasPrefix("#EXTINF:") {
                let value = line.dropFirst("#EXTINF:".count).prefix { $0 != "," }
                guard let seconds = Double(value) else { throw Malformed(description: "bad EXTINF line: \(line)") }
                durations.append(seconds)
            } else if !line.hasPrefix("#"), !line.isEmpty {
                segments.append(line)
            }
        }
        self.segments = segments
        self.durations = durations
    }

    /// Segment files on disk (listed or not): after a SIGKILL the last one may be torn.
    public static func segmentFiles(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".ts") || $0.hasSuffix(".m4s") }.sorted()
    }

    public var missingSegments: [String] {
        segments.filter { !FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
    }
}
