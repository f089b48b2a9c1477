import Foundation

/// The playlist of a stream-copy recording, kept in memory and rewritten atomically after every
/// segment: an EVENT playlist while live, ENDLIST once finished. Unlike FFmpeg's HLS muxer it can
/// mark a discontinuity anywhere and takes each segment's PROGRAM-DATE-TIME from the caller.
struct CopyPlaylist {
    struct Entry: Equatable {
        var uri: String
        var duration: Double
        var programDateTime: Date
        var discontinuity: Bool
    }

    let directory: URL
    let initSegmentURI: String?
    private(set) var entries: [Entry] = []
    private(set) var hasEndList = false
    /// Never lowered: players read it once.
    private var targetDuration: Int

    init(directory: URL, segmentSeconds: Double, initSegmentURI: String?) {
        self.directory = directory
        self.initSegmentURI = initSegmentURI
        targetDuration = max(1, Int(segmentSeconds.rounded()))
    }

    var mediaDuration: Double { entries.reduce(0) { $0 + $1.duration } }

    mutating func append(_ entry: Entry) throws {
        entries.append(entry)
        // RFC 8216: every EXTINF rounded to the nearest integer is at most the target duration.
        targetDuration = max(targetDuration, Int(entry.duration.rounded()))
        try write()
    }

    mutating func end() throws {
        hasEndList = true
        try write()
    }

    var file: PlaylistFile {
        var header = ["#EXTM3U", "#EXT-X-VERSION:\(initSegmentURI == nil ? 3 : 7)",
                      "#EXT-X-TARGETDURATION:\(targetDuration)", "#EXT-X-MEDIA-SEQUENCE:0",
                      "#EXT-X-PLAYLIST-TYPE:EVENT", "#EXT-X-INDEPENDENT-SEGMENTS"]
        if let initSegmentURI { header.append("#EXT-X-MAP:URI=\"\(initSegmentURI)\"") }
        let segments = entries.map { entry in
            var tags: [String] = []
            if entry.discontinuity { tags.append("#EXT-X-DISCONTINUITY") }
            tags.append("#EXT-X-PROGRAM-DATE-TIME:" + Self.programDateTime(entry.programDateTime))
            tags.append(String(format: "#EXTINF:%.6f,", entry.duration))
            return PlaylistFile.Segment(tags: tags, uri: entry.uri, duration: entry.duration)
        }
        return PlaylistFile(header: header, segments: segments, hasEndList: hasEndList)
    }

    private func write() throws {
        try AtomicFile.write(Data(file.text.utf8), to: directory.appendingPathComponent(PlaylistFile.fileName))
    }

    /// The form FFmpeg's HLS muxer writes: 2026-01-01T00:00:00.000+0000.
    static func programDateTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
        return formatter.string(from: date)
    }
}
