import Foundation

/// `thumbnails.vtt`: one WebVTT cue per interval of media time, each pointing at its tile
/// (`/<sessionId>/thumbnails-<n>.jpg#xywh=x,y,w,h`). Slot k covers [k·interval, (k+1)·interval)
/// and shows the tile of the first picture at or after k·interval; several slots may share a
/// tile when pictures are sparser than the interval (copy sessions decode only keyframes).
public struct ThumbnailTrackFile: Sendable {
    public static let fileName = "thumbnails.vtt"

    public let sessionId: String
    public let interval: Double
    public let layout: ThumbnailSheetLayout

    public init(sessionId: String, interval: Double, layout: ThumbnailSheetLayout) {
        self.sessionId = sessionId
        self.interval = interval
        self.layout = layout
    }

    /// ceil(duration / interval): the cue count of a finished recording.
    public static func cueCount(mediaDuration: Double, interval: Double) -> Int {
        guard mediaDuration > 0, interval > 0 else { return 0 }
        // A duration a rounding error above a whole number of intervals gets no extra cue.
        return Int((mediaDuration / interval - 1e-6).rounded(.up))
    }

    /// The file for `slotTiles` (tile index per slot). While recording (`mediaDuration` nil) every
    /// slot with a tile is listed and the last ends at its interval's end; once finished there
    /// are exactly ceil(duration / interval) cues (the last tile standing in for slots past the
    /// last picture), the last ending at the duration.
    public func render(slotTiles: [Int], mediaDuration: Double?) -> String {
        var text = "WEBVTT\n"
        guard let lastTile = slotTiles.last else { return text }
        let count = mediaDuration.map { Self.cueCount(mediaDuration: $0, interval: interval) } ?? slotTiles.count
        for slot in 0..<count {
            let tile = slot < slotTiles.count ? slotTiles[slot] : lastTile
            let start = Double(slot) * interval
            var end = Double(slot + 1) * interval
            if let mediaDuration, slot == count - 1 { end = max(start, mediaDuration) }
            let place = layout.place(ofTile: tile)
            text += "\n\(Self.timestamp(start)) --> \(Self.timestamp(end))\n"
            text += "/\(sessionId)/\(ThumbnailSheetLayout.sheetFileName(place.sheet))#xywh=\(place.x),\(place.y),\(layout.tileWidth),\(layout.tileHeight)\n"
        }
        return text
    }

    /// `HH:MM:SS.mmm` (hours grow past two digits as WebVTT allows).
    static func timestamp(_ seconds: Double) -> String {
        let millis = Int64((max(0, seconds) * 1000).rounded())
        let hours = millis / 3_600_000, minutes = millis / 60_000 % 60, secs = millis / 1000 % 60, ms = millis % 1000
        return String(format: "%02lld:%02lld:%02lld.%03lld", hours, minutes, secs, ms)
    }
}
