import Sessions

/// Frame differences on a small grey picture: a pixel has changed when its brightness moved by
/// more than `noiseFloor` levels since the previous sample, and the score is the share of
/// changed pixels. Downscaling to 64x36 averages a camera's noise away (a 1280x720 picture
/// puts ~400 pixels into each) and the floor absorbs what is left, so a still scene scores 0;
/// measured on 64x36: a still `testsrc2` frame with `noise=alls=20` scores 0, the moving
/// `testsrc2` 0.06–0.16 between samples 0.2 s apart and 0.08–0.09 two seconds apart.
public struct MotionDetector: Sendable {
    public static let width = 64
    public static let height = 36
    /// 2 % of the picture: well above a still scene's 0, well below the moving test pattern.
    public static let defaultThreshold = 0.02
    /// Brightness steps (of 255) a pixel must move to count as changed.
    public static let noiseFloor = 8

    public struct Result: Sendable, Equatable {
        public var score: Double
        public var box: BoundingBox?
    }

    private var previous: [UInt8]?

    public init() {}

    /// Compares `picture` (width × height grey bytes) with the previous one; nil for the first.
    public mutating func compare(_ picture: [UInt8]) -> Result? {
        guard picture.count == Self.width * Self.height else { return nil }
        defer { previous = picture }
        guard let previous else { return nil }
        var changed = 0
        var minX = Self.width, minY = Self.height, maxX = -1, maxY = -1
        for y in 0..<Self.height {
            let row = y * Self.width
            for x in 0..<Self.width where abs(Int(picture[row + x]) - Int(previous[row + x])) > Self.noiseFloor {
                changed += 1
                minX = min(minX, x)
                maxX = max(maxX, x)
                minY = min(minY, y)
                maxY = max(maxY, y)
            }
        }
        let score = Double(changed) / Double(Self.width * Self.height)
        guard changed > 0 else { return Result(score: 0, box: nil) }
        let box = BoundingBox(
            x: Double(minX) / Double(Self.width), y: Double(minY) / Double(Self.height),
            w: Double(maxX - minX + 1) / Double(Self.width), h: Double(maxY - minY + 1) / Double(Self.height))
        return Result(score: score, box: box)
    }

    /// Forgets the previous picture (the source came back: its first picture is no motion).
    public mutating func reset() { previous = nil }
}
