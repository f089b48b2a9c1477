/// A live EVENT playlist lists the whole recording; players start at its beginning unless told
/// otherwise. `#EXT-X-START` with a negative offset asks them to join three target durations before
/// the live edge, where a live viewer expects to be. Ended playlists are served as written.
enum LivePlaylist {
    static func startNearLiveEdge(_ playlist: String) -> String {
        guard playlist.hasPrefix("#EXTM3U"), !playlist.contains("#EXT-X-START:") else { return playlist }
        let target = playlist.split(separator: "\n")
            .first { $0.hasPrefix("#EXT-X-TARGETDURATION:") }
            .flatMap { Double($0.dropFirst("#EXT-X-TARGETDURATION:".count).trimmingPrefix(" ")) } ?? 2
        let offset = -3 * target
        let start = "#EXT-X-START:TIME-OFFSET=\(offset),PRECISE=NO"
        guard let firstLineEnd = playlist.firstIndex(of: "\n") else { return playlist + "\n" + start + "\n" }
        return String(playlist[...firstLineEnd]) + start + "\n" + String(playlist[playlist.index(after: firstLineEnd)...])
    }

    /// `live.m3u8` while live: the last `window` segments of the EVENT playlist, without
    /// `PLAYLIST-TYPE`, with `MEDIA-SEQUENCE` (and `DISCONTINUITY-SEQUENCE`) advanced past what was
    /// left out, so a player joins at the edge and keeps polling (RFC 8216 §6.2.2).
    static func slidingWindow(_ playlist: String, window: Int = 6) -> String {
        var header: [Substring] = []
        var groups: [[Substring]] = []
        var pending: [Substring] = []
        for line in playlist.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#EXT-X-PLAYLIST-TYPE") || line.hasPrefix("#EXT-X-START:") { continue }
            if line.hasPrefix("#EXTINF") || line.hasPrefix("#EXT-X-PROGRAM-DATE-TIME") || line.hasPrefix("#EXT-X-DISCONTINUITY")
                || line.hasPrefix("#EXT-X-BYTERANGE") || line.hasPrefix("#EXT-X-GAP") || !line.hasPrefix("#") {
                pending.append(line)
                if !line.hasPrefix("#") {
                    groups.append(pending)
                    pending = []
                }
            } else if groups.isEmpty && pending.isEmpty {
                header.append(line)
            } else {
                pending.append(line)
            }
        }
        let dropped = max(0, groups.count - window)
        let droppedDiscontinuities = groups.prefix(dropped).reduce(0) { count, group in
            count + group.filter { $0 == "#EXT-X-DISCONTINUITY" }.count
        }
        var lines: [String] = []
        for line in header {
            if line.hasPrefix("#EXT-X-MEDIA-SEQUENCE:") {
                let base = Int(line.dropFirst("#EXT-X-MEDIA-SEQUENCE:".count)) ?? 0
                lines.append("#EXT-X-MEDIA-SEQUENCE:\(base + dropped)")
                if droppedDiscontinuities > 0 { lines.append("#EXT-X-DISCONTINUITY-SEQUENCE:\(droppedDiscontinuities)") }
            } else {
                lines.append(String(line))
            }
        }
        for group in groups.suffix(window) { lines.append(contentsOf: group.map(String.init)) }
        lines.append(contentsOf: pending.map(String.init))
        return lines.joined(separator: "\n") + "\n"
    }
}
