extension LivePlaylist {
    /// A playlist file as served: ended ones as written; live ones as the sliding window (`live.m3u8`)
    /// or with a start near the live edge (`index.m3u8`), both advertising blocking reloads. Made once
    /// per version of the file.
    struct Variant {
        let text: String
        let isLive: Bool
        /// Media sequence number of the last listed segment (-1 before the first).
        let lastMediaSequence: Int
        let targetDuration: Int
        /// Distinguishes the variants of one file version in their ETags.
        let etagSuffix: String

        static let serverControl = "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES"

        init(_ playlist: String, window: Bool) {
            var mediaSequence = 0, segments = 0, target = 2, ended = false
            for line in playlist.split(separator: "\n") {
                if !line.hasPrefix("#") {
                    if !line.allSatisfy({ $0 == " " || $0 == "\r" }) { segments += 1 }
                } else if line.hasPrefix("#EXT-X-MEDIA-SEQUENCE:") {
                    mediaSequence = Int(line.dropFirst("#EXT-X-MEDIA-SEQUENCE:".count)) ?? 0
                } else if line.hasPrefix("#EXT-X-TARGETDURATION:") {
                    target = Int(line.dropFirst("#EXT-X-TARGETDURATION:".count)) ?? 2
                } else if line.hasPrefix("#EXT-X-ENDLIST") {
                    ended = true
                }
            }
            isLive = !ended
            lastMediaSequence = mediaSequence + segments - 1
            targetDuration = max(1, target)
            guard isLive else {
                text = playlist
                etagSuffix = ""
                return
            }
            let live = window ? LivePlaylist.slidingWindow(playlist) : LivePlaylist.startNearLiveEdge(playlist)
            text = Self.advertisingBlockingReload(live)
            etagSuffix = window ? "-w" : "-s"
        }

        /// RFC 8216bis §4.4.3.8: the server holds `_HLS_msn` requests until the segment exists.
        static func advertisingBlockingReload(_ playlist: String) -> String {
            guard playlist.hasPrefix("#EXTM3U"), !playlist.contains("#EXT-X-SERVER-CONTROL"),
                  let firstLineEnd = playlist.firstIndex(of: "\n") else { return playlist }
            return String(playlist[...firstLineEnd]) + serverControl + "\n" + String(playlist[playlist.index(after: firstLineEnd)...])
        }
    }
}
