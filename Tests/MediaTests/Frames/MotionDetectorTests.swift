import Testing
@testable import Media

@Suite("Motion detector")
struct MotionDetectorTests {
    private static let size = MotionDetector.width * MotionDetector.height

    @Test("a still picture, with or without a few levels of noise, scores 0")
    func still() {
        var detector = MotionDetector()
        let picture = (0..<Self.size).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let first = detector.compare(picture)
        #expect(first == nil)
        let second = detector.compare(picture)
        #expect(second == .init(score: 0, box: nil))
        var generator = SystemRandomNumberGenerator()
        let noisy = picture.map { UInt8(clamping: Int($0) + Int.random(in: -MotionDetector.noiseFloor...MotionDetector.noiseFloor, using: &generator)) }
        let third = detector.compare(noisy)
        #expect(third?.score == 0)
    }

    @Test("a changed block scores its share of the picture and is boxed")
    func block() throws {
        var detector = MotionDetector()
        let background = [UInt8](repeating: 100, count: Self.size)
        _ = detector.compare(background)
        var moved = background
        // 16x9 pixels at (32, 18): a quarter of each dimension.
        for y in 18..<27 { for x in 32..<48 { moved[y * MotionDetector.width + x] = 200 } }
        let compared = detector.compare(moved)
        let result = try #require(compared)
        #expect(abs(result.score - 144.0 / Double(Self.size)) < 1e-9)
        #expect(result.score >= MotionDetector.defaultThreshold)
        let box = try #require(result.box)
        #expect(box == .init(x: 0.5, y: 0.5, w: 0.25, h: 0.25))
    }
}
