/// Where tile `n` of a recording lives: sheets of at most 100 tiles, 10 across, each tile 160
/// pixels wide and as high as the picture's aspect makes it (even). A full sheet is 1600 pixels
/// wide and 10 tiles high, far inside JPEG's 65,535 pixels; a day at 10 s is 8,640 tiles, 87 sheets.
public struct ThumbnailSheetLayout: Sendable, Equatable {
    public static let tileWidth = 160
    public static let columns = 10
    public static let tilesPerSheet = 100

    public struct Place: Sendable, Equatable {
        /// n in `thumbnails-<n>.jpg`.
        public var sheet: Int
        public var x: Int
        public var y: Int
    }

    public let tileWidth: Int
    public let tileHeight: Int

    /// The tile size for pictures of `width` x `height`: 160 wide, the height by the aspect
    /// ratio rounded to even, between 2 and 640.
    public init(pictureWidth width: Int, height: Int) {
        tileWidth = Self.tileWidth
        let scaled = Double(Self.tileWidth) * Double(max(1, height)) / Double(max(1, width))
        tileHeight = min(640, max(2, Int((scaled / 2).rounded()) * 2))
    }

    public static func sheetFileName(_ sheet: Int) -> String { "thumbnails-\(sheet).jpg" }

    public func place(ofTile index: Int) -> Place {
        let inSheet = index % Self.tilesPerSheet
        return Place(sheet: index / Self.tilesPerSheet, x: inSheet % Self.columns * tileWidth,
                     y: inSheet / Self.columns * tileHeight)
    }

    /// The size of a sheet holding `tiles` tiles (1...100): full rows are 10 tiles wide.
    public func sheetSize(tiles: Int) -> (width: Int, height: Int) {
        let count = max(1, min(tiles, Self.tilesPerSheet))
        let rows = (count + Self.columns - 1) / Self.columns
        return (min(count, Self.columns) * tileWidth, rows * tileHeight)
    }

    /// The largest sheet.
    public var fullSheetSize: (width: Int, height: Int) { sheetSize(tiles: Self.tilesPerSheet) }
}
