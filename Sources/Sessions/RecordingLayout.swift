/// The names of what a recording directory holds and the media type of each, shared by the writer
/// (Media), the recorder and the file server.
public enum RecordingLayout {
    /// `data/recordings/<sessionId>/` under the data dir.
    public static let recordingsDirectoryName = "recordings"
    /// `data/exports/` under the data dir: the MP4 export cache.
    public static let exportsDirectoryName = "exports"
    /// The whole recording: EVENT while live, ended with `#EXT-X-ENDLIST`.
    public static let playlistFileName = "index.m3u8"
    /// The sliding live window, served from the playlist (never written to disk).
    public static let livePlaylistFileName = "live.m3u8"
    /// A still from the first keyframe.
    public static let posterFileName = "poster.jpg"
    /// The fMP4 initialization segment.
    public static let initSegmentFileName = "init.mp4"

    public static let playlistMediaType = "application/vnd.apple.mpegurl"

    /// Content types by file extension.
    public static let mediaTypesByExtension: [String: String] = [
        "m3u8": playlistMediaType, "ts": "video/mp2t", "m4s": "video/iso.segment",
        "mp4": "video/mp4", "jpg": "image/jpeg", "vtt": "text/vtt",
    ]

    public static func mediaType(forFileName name: String) -> String? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        return mediaTypesByExtension[String(name[name.index(after: dot)...])]
    }
}
