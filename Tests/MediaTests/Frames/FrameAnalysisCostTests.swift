import Foundation
import Glibc
import LibAV
import StreamdTestSupport
import Testing
@testable import Media

/// What each piece of the frame analysis costs on 1280x720 pictures, in CPU time of the calling
/// thread (the recording's thread in the pipelines), so the figure does not depend on what else
/// the machine runs: one keyframe decode (copy sessions), one motion sample, one thumbnail tile
/// (scale, paste, the sheet's JPEG rewritten with temp + fsync + rename, the track rewritten).
/// The bounds are loose (a debug build on a loaded machine); the printed figures are the result.
@Suite("Frame analysis cost")
struct FrameAnalysisCostTests {
    @Test func costPerCall() throws {
        let temp = try TemporaryDirectory()
        let source = try makeH264File(in: temp.url, name: "hd.mp4", graph: "testsrc2=size=1280x720:rate=30", seconds: 4, gop: 30)
        let input = try InputFormatContext(url: source.path, formatName: nil, options: [])
        try input.findStreamInfo()
        let stream = try input.videoStream()
        let decoder = try CopyPictureDecoder(parameters: stream.parameters, timeBase: stream.timeBase, allFrames: false)
        let packet = try Packet()
        var keyframes: [Packet] = []
        while try input.read(into: packet) == .packet {
            if packet.streamIndex == stream.index, packet.isKeyframe {
                let copy = try Packet()
                try copy.reference(packet)
                keyframes.append(copy)
            }
            packet.unref()
        }
        #expect(keyframes.count == 4)

        // Keyframe decodes; keep two pictures that differ.
        var pictures: [Frame] = []
        let decodeStart = threadCPUSeconds()
        for keyframe in keyframes {
            let picture = try #require(try decoder.decodeKeyframe(keyframe))
            let kept = try Frame()
            try kept.allocateBuffers(width: picture.width, height: picture.height, format: .yuv420p)
            try ScaleContext(from: .init(of: picture), to: .init(of: kept)).scale(picture, into: kept)
            pictures.append(kept)
        }
        let decodeMs = (threadCPUSeconds() - decodeStart) * 1000 / Double(keyframes.count)

        var events = 0
        let motion = FrameAnalyzer(analysis: FrameAnalysis(motion: MotionSettings(minGapSeconds: 0)), directory: temp.url,
                                   sessionId: "cost", logger: TestLog.logger) { _ in events += 1 }
        let samples = 200
        let motionStart = threadCPUSeconds()
        for index in 0..<samples {
            motion.analyze(pictures[index % pictures.count], at: Double(index), date: Date(), everyPicture: true)
        }
        let motionMs = (threadCPUSeconds() - motionStart) * 1000 / Double(samples)
        #expect(events == samples - 1)

        let directory = temp.url.appendingPathComponent("tiles")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let thumbnails = FrameAnalyzer(analysis: FrameAnalysis(thumbnailIntervalSeconds: 10), directory: directory,
                                       sessionId: "cost", logger: TestLog.logger) { _ in }
        let tiles = 120
        let tileStart = threadCPUSeconds()
        for index in 0..<tiles {
            thumbnails.analyze(pictures[index % pictures.count], at: Double(index) * 10, date: Date())
        }
        let tileMs = (threadCPUSeconds() - tileStart) * 1000 / Double(tiles)
        thumbnails.finish(mediaDuration: Double(tiles) * 10)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("thumbnails-1.jpg").path))

        print(String(format: "frame analysis at 1280x720 (CPU ms per call): keyframe decode %.2f, motion sample %.3f, thumbnail tile %.2f",
                     decodeMs, motionMs, tileMs))
        #expect(decodeMs < 200)
        #expect(motionMs < 25)
        #expect(tileMs < 200)
    }
}

/// User + system CPU seconds of the calling thread.
private func threadCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(1), &usage)  // RUSAGE_THREAD
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}
