import Foundation
import Testing
import StreamdTestSupport
@testable import Media

@Suite("Thumbnail sheet layout and track")
struct ThumbnailLayoutTests {
    @Test("tiles are 160 wide with an even height by the aspect ratio")
    func tileSize() {
        #expect(ThumbnailSheetLayout(pictureWidth: 1280, height: 720).tileHeight == 90)
        #expect(ThumbnailSheetLayout(pictureWidth: 640, height: 480).tileHeight == 120)
        #expect(ThumbnailSheetLayout(pictureWidth: 320, height: 240).tileHeight == 120)
        #expect(ThumbnailSheetLayout(pictureWidth: 1920, height: 1080).tileHeight == 90)
        #expect(ThumbnailSheetLayout(pictureWidth: 720, height: 576).tileHeight == 128)
        // A very tall picture is capped so a sheet stays far below JPEG's 65,535 pixels.
        let tall = ThumbnailSheetLayout(pictureWidth: 16, height: 4320)
        #expect(tall.tileHeight == 640)
        #expect(tall.fullSheetSize.height <= 65_535 && tall.fullSheetSize.width <= 65_535)
    }

    @Test("tile n goes to sheet n/100, ten across")
    func places() {
        let layout = ThumbnailSheetLayout(pictureWidth: 1280, height: 720)
        #expect(layout.place(ofTile: 0) == .init(sheet: 0, x: 0, y: 0))
        #expect(layout.place(ofTile: 9) == .init(sheet: 0, x: 1440, y: 0))
        #expect(layout.place(ofTile: 10) == .init(sheet: 0, x: 0, y: 90))
        #expect(layout.place(ofTile: 99) == .init(sheet: 0, x: 1440, y: 810))
        #expect(layout.place(ofTile: 100) == .init(sheet: 1, x: 0, y: 0))
        // A day at 10 s: 8,640 tiles in 87 sheets.
        #expect(layout.place(ofTile: 8639).sheet == 86)
        #expect(layout.sheetSize(tiles: 3) == (480, 90))
        #expect(layout.sheetSize(tiles: 11) == (1600, 180))
        #expect(layout.fullSheetSize == (1600, 900))
    }

    @Test("a finished track has ceil(duration / interval) cues, the last ending at the duration")
    func cueCount() {
        #expect(ThumbnailTrackFile.cueCount(mediaDuration: 25, interval: 10) == 3)
        #expect(ThumbnailTrackFile.cueCount(mediaDuration: 20, interval: 10) == 2)
        #expect(ThumbnailTrackFile.cueCount(mediaDuration: 20.0000001, interval: 10) == 2)
        #expect(ThumbnailTrackFile.cueCount(mediaDuration: 0.5, interval: 10) == 1)
        #expect(ThumbnailTrackFile.cueCount(mediaDuration: 0, interval: 10) == 0)

        let file = ThumbnailTrackFile(sessionId: "s1", interval: 10, layout: .init(pictureWidth: 1280, height: 720))
        let text = file.render(slotTiles: [0, 1, 2], mediaDuration: 25)
        #expect(text == """
            WEBVTT

            00:00:00.000 --> 00:00:10.000
            /s1/thumbnails-0.jpg#xywh=0,0,160,90

            00:00:10.000 --> 00:00:20.000
            /s1/thumbnails-0.jpg#xywh=160,0,160,90

            00:00:20.000 --> 00:00:25.000
            /s1/thumbnails-0.jpg#xywh=320,0,160,90

            """)
        // Slots past the last picture show the last tile.
        let sparse = file.render(slotTiles: [0], mediaDuration: 25)
        #expect(sparse.components(separatedBy: "#xywh=0,0,160,90").count - 1 == 3)
        #expect(file.render(slotTiles: [], mediaDuration: 25) == "WEBVTT\n")
    }

    @Test("cues past tile 100 point into the second sheet; hours go past 99")
    func secondSheet() {
        let file = ThumbnailTrackFile(sessionId: "s2", interval: 0.2, layout: .init(pictureWidth: 320, height: 240))
        let text = file.render(slotTiles: Array(0..<150), mediaDuration: 30)
        let cues = text.components(separatedBy: "\n\n").dropFirst()
        #expect(cues.count == 150)
        #expect(cues.filter { $0.contains("/s2/thumbnails-1.jpg#xywh=") }.count == 50)
        #expect(text.contains("00:00:20.000 --> 00:00:20.200\n/s2/thumbnails-1.jpg#xywh=0,0,160,120"))
        #expect(text.hasSuffix("00:00:29.800 --> 00:00:30.000\n/s2/thumbnails-1.jpg#xywh=1440,480,160,120\n"))
        #expect(ThumbnailTrackFile.timestamp(360_000.5) == "100:00:00.500")
    }
}

@Suite("Thumbnail track after a crash")
struct ThumbnailTrackRecoveryTests {
    @Test("a live track is brought to ceil(duration / interval) cues for the recovered playlist, idempotently")
    func recovers() throws {
        let temp = try TemporaryDirectory()
        let file = ThumbnailTrackFile(sessionId: "crashed", interval: 10, layout: .init(pictureWidth: 1280, height: 720))
        let url = temp.url.appendingPathComponent("thumbnails.vtt")
        // Tiles for slots 0-2 were written; the recovered playlist lists 34.5 s.
        try file.render(slotTiles: [0, 1, 2], mediaDuration: nil).write(to: url, atomically: true, encoding: .utf8)
        ThumbnailTrackRecovery.finalize(directory: temp.url, mediaDuration: 34.5, logger: nil)
        let recovered = try String(contentsOf: url, encoding: .utf8)
        #expect(recovered == file.render(slotTiles: [0, 1, 2], mediaDuration: 34.5))
        #expect(recovered.components(separatedBy: "-->").count - 1 == 4)
        ThumbnailTrackRecovery.finalize(directory: temp.url, mediaDuration: 34.5, logger: nil)
        #expect(try String(contentsOf: url, encoding: .utf8) == recovered)
        // A torn last segment dropped: fewer cues.
        ThumbnailTrackRecovery.finalize(directory: temp.url, mediaDuration: 12, logger: nil)
        #expect(try String(contentsOf: url, encoding: .utf8) == file.render(slotTiles: [0, 1], mediaDuration: 12))
    }
}
