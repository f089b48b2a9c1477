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
}
