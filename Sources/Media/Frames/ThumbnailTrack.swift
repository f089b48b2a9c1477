import Foundation
import LibAV

/// Thumbnail sheets and `thumbnails.vtt` of one recording, written while it records: each tile is
/// scaled to 160 pixels wide, pasted into the current sheet (kept in memory), the sheet rewritten
/// (temp + rename, so it is usable at once) and then the track, so the track never points at a
/// tile not yet on disk. Lives on the recording's thread.
final class ThumbnailTrack {
    private let directory: URL
    private let sessionId: String
    let interval: Double
    private var layout: ThumbnailSheetLayout?
    private var scaler: ScaleContext?
    private var tile: Frame?
    private var sheet: Frame?
    /// Tile index of each slot so far.
    private(set) var slotTiles: [Int] = []
    private var tileCount = 0

    init(directory: URL, sessionId: String, interval: Double) {
        self.directory = directory
        self.sessionId = sessionId
        self.interval = interval
    }

    /// The start of the next slot without a tile.
    private var nextSlotStart: Double { Double(slotTiles.count) * interval }

    /// A picture at `mediaSeconds` would fill at least one slot.
    func isDue(at mediaSeconds: Double) -> Bool {
        mediaSeconds + 0.0005 >= nextSlotStart
    }

    /// Makes `picture` (at `mediaSeconds`) the tile of every slot that starts at or before it.
    func add(_ picture: Frame, at mediaSeconds: Double) throws {
        guard isDue(at: mediaSeconds) else { return }
        let layout = self.layout ?? ThumbnailSheetLayout(pictureWidth: Int(picture.width), height: Int(picture.height))
        self.layout = layout
        let tile = try scaledTile(picture, layout: layout)
        let index = tileCount
        let place = layout.place(ofTile: index)
        let sheet = try currentSheet(layout: layout, startsNew: index % ThumbnailSheetLayout.tilesPerSheet == 0)
        try sheet.paste(tile, atX: Int32(place.x), y: Int32(place.y))
        tileCount += 1
        let tilesInSheet = index % ThumbnailSheetLayout.tilesPerSheet + 1
        let size = layout.sheetSize(tiles: tilesInSheet)
        let name = ThumbnailSheetLayout.sheetFileName(place.sheet)
        let visible = try sheet.topLeft(width: Int32(size.width), height: Int32(size.height))
        try AtomicFile.write(try ThumbnailWriter.jpeg(visible, name: name), to: directory.appendingPathComponent(name))
        let lastSlot = Int(((mediaSeconds + 0.0005) / interval).rounded(.down))
        while slotTiles.count <= lastSlot { slotTiles.append(index) }
        try writeTrack(mediaDuration: nil)
    }

    /// The final track: ceil(duration / interval) cues.
    func finish(mediaDuration: Double) throws {
        try writeTrack(mediaDuration: mediaDuration)
    }

    private func writeTrack(mediaDuration: Double?) throws {
        guard let layout else {
            // No picture at all: an empty track still says so.
            try AtomicFile.write(Data("WEBVTT\n".utf8), to: directory.appendingPathComponent(ThumbnailTrackFile.fileName))
            return
        }
        let file = ThumbnailTrackFile(sessionId: sessionId, interval: interval, layout: layout)
        try AtomicFile.write(Data(file.render(slotTiles: slotTiles, mediaDuration: mediaDuration).utf8),
                             to: directory.appendingPathComponent(ThumbnailTrackFile.fileName))
    }

    private func scaledTile(_ picture: Frame, layout: ThumbnailSheetLayout) throws -> Frame {
        let source = ScaleContext.Geometry(of: picture)
        let target = ScaleContext.Geometry(width: Int32(layout.tileWidth), height: Int32(layout.tileHeight), format: .yuv420p, fullRange: true)
        if scaler?.source != source { scaler = try ScaleContext(from: source, to: target) }
        guard let scaler else { throw MediaError.invalidSpec(reason: "no thumbnail scaler") }
        let tile = try self.tile ?? {
            let frame = try Frame()
            try frame.allocateBuffers(width: target.width, height: target.height, format: .yuv420p)
            frame.isFullRange = true
            return frame
        }()
        self.tile = tile
        try scaler.scale(picture, into: tile)
        return tile
    }

    private func currentSheet(layout: ThumbnailSheetLayout, startsNew: Bool) throws -> Frame {
        if let sheet, !startsNew { return sheet }
        let frame = try sheet ?? {
            let frame = try Frame()
            let size = layout.fullSheetSize
            try frame.allocateBuffers(width: Int32(size.width), height: Int32(size.height), format: .yuv420p)
            frame.isFullRange = true
            return frame
        }()
        // A new sheet starts black: its last row may stay part-filled.
        try frame.fillBlack()
        sheet = frame
        return frame
    }
}
