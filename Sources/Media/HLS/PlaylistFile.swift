import Foundation

/// A media playlist as lines: the header, one group of lines per segment, and whether it ends
/// with `#EXT-X-ENDLIST`. Kept as text so a rewrite changes nothing but what it means to change.
struct PlaylistFile: Equatable {
    struct Segment: Equatable {
        /// The tags that belong to this segment (EXTINF, PROGRAM-DATE-TIME, …), in order.
        var tags: [String]
        var uri: String
        /// The EXTINF duration in seconds.
        var duration: Double
    }

    var header: [String]
    var segments: [Segment]
    var hasEndList: Bool

    /// Tags that open a segment's group rather than belong to the header.
    private static let segmentTags = ["#EXTINF", "#EXT-X-PROGRAM-DATE-TIME", "#EXT-X-DISCONTINUITY",
                                      "#EXT-X-BYTERANGE", "#EXT-X-GAP"]

    static let fileName = "index.m3u8"

    /// An EVENT playlist without segments, already ended.
    static func empty(targetDuration: Int) -> PlaylistFile {
        PlaylistFile(
            header: ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:\(targetDuration)",
                     "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:EVENT"],
            segments: [], hasEndList: true)
    }

    init(header: [String], segments: [Segment], hasEndList: Bool) {
        self.header = header
        self.segments = segments
        self.hasEndList = hasEndList
    }

    init(parsing text: String) {
        var header: [String] = []
        var segments: [Segment] = []
        var pending: [String] = []
        var hasEndList = false
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line == "#EXT-X-ENDLIST" {
                hasEndList = true
                break
            }
            if line.hasPrefix("#") {
                let opensSegment = Self.segmentTags.contains { line.hasPrefix($0) }
                if segments.isEmpty, pending.isEmpty, !opensSegment {
                    header.append(line)
                } else {
                    pending.append(line)
                }
                continue
            }
            let duration = pending.lazy.compactMap(Self.extinfDuration).first ?? 0
            segments.append(Segment(tags: pending, uri: line, duration: duration))
            pending = []
        }
        self.init(header: header, segments: segments, hasEndList: hasEndList)
    }

    /// The URI of the fMP4 initialization segment (`#EXT-X-MAP:URI="init.mp4"`), if any.
    var initSegmentURI: String? {
        for line in header where line.hasPrefix("#EXT-X-MAP:") {
            guard let start = line.range(of: "URI=\"") else { continue }
            let rest = line[start.upperBound...]
            if let end = rest.firstIndex(of: "\"") { return String(rest[..<end]) }
        }
        return nil
    }

    var mediaDuration: Double { segments.reduce(0) { $0 + $1.duration } }

    var text: String {
        var lines = header
        for segment in segments {
            lines += segment.tags
            lines.append(segment.uri)
        }
        if hasEndList { lines.append("#EXT-X-ENDLIST") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads `directory/index.m3u8`; nil when there is none.
    static func read(in directory: URL) throws -> PlaylistFile? {
        let url = directory.appendingPathComponent(fileName)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch CocoaError.fileReadNoSuchFile {
            return nil
        } catch {
            throw MediaError.fileSystem(operation: "read", path: url.path, errno: EIO, message: error.localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8), text.hasPrefix("#EXTM3U") else {
            throw MediaError.malformedPlaylist(path: url.path, reason: "it does not start with #EXTM3U")
        }
        return PlaylistFile(parsing: text)
    }

    private static func extinfDuration(_ line: String) -> Double? {
        guard line.hasPrefix("#EXTINF:") else { return nil }
        let value = line.dropFirst("#EXTINF:".count).prefix { $0 != "," }
        return Double(value.trimmingCharacters(in: .whitespaces))
    }
}
