import Foundation
import Sessions

/// One HLS media playlist over a device's segments across sessions (§10): PROGRAM-DATE-TIME on
/// every segment, DISCONTINUITY between sessions and at gaps, URIs `/<sessionId>/<file>`.
struct DevicePlaylist {
    /// The followed segments, oldest first (`DeviceTimeline.followed`).
    let segments: [Segment]
    /// VOD with ENDLIST when the window is closed; otherwise an EVENT playlist that may grow.
    let ended: Bool
    /// The owning node's `public_url` of sessions another node owns (§12): their URIs are absolute.
    var baseURLs: [String: String] = [:]

    var text: String {
        // RFC 8216: TARGETDURATION is at least every EXTINF rounded to the nearest integer.
        let target = max(1, segments.map { Int($0.durationSec.rounded()) }.max() ?? 1)
        var lines = [
            "#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:\(target)", "#EXT-X-MEDIA-SEQUENCE:0",
            "#EXT-X-PLAYLIST-TYPE:\(ended ? "VOD" : "EVENT")", "#EXT-X-INDEPENDENT-SEGMENTS",
        ]
        var previous: Segment?
        for segment in segments {
            if DeviceTimeline.startsDiscontinuity(segment, after: previous) { lines.append("#EXT-X-DISCONTINUITY") }
            if segment.uri.hasSuffix(".m4s"), previous?.sessionId != segment.sessionId {
                lines.append("#EXT-X-MAP:URI=\"\(base(segment))/\(segment.sessionId)/\(RecordingLayout.initSegmentFileName)\"")
            }
            lines.append("#EXT-X-PROGRAM-DATE-TIME:" + segment.startsAt.iso8601Milliseconds)
            lines.append(String(format: "#EXTINF:%.6f,", segment.durationSec))
            lines.append("\(base(segment))/\(segment.sessionId)/\(segment.uri)")
            previous = segment
        }
        if ended { lines.append("#EXT-X-ENDLIST") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Empty for this node's sessions (URIs relative to the host the player asked).
    private func base(_ segment: Segment) -> String { baseURLs[segment.sessionId] ?? "" }
}
