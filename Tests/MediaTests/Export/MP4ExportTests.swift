import Foundation
import StreamdTestSupport
import Testing
@testable import Media

@Suite("MP4 export: remux of segment runs with audio, trims and gaps")
struct MP4ExportTests {
    /// 6 s of testsrc2 with a sine as AAC, cut by the ffmpeg CLI into three 2 s MPEG-TS segments
    /// (a keyframe every 2 s), as a copy session with audio records them.
    func segmentsWithAudio(in directory: URL) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = [
            "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-f", "hls", "-hls_time", "2", "-hls_list_size", "0",
            "-hls_segment_filename", directory.appendingPathComponent("seg_%05d.ts").path, directory.appendingPathComponent("index.m3u8").path,
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let listed = try #require(try PlaylistSegments.read(in: directory))
        return listed.map { directory.appendingPathComponent($0.uri).path }
    }

    /// codec_type → duration of each stream, by ffprobe.
    func streamDurations(_ path: String) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffprobe")
        process.arguments = ["-v", "error", "-show_entries", "stream=codec_type,duration", "-of", "csv=p=0", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var durations: [String: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: ",")
            if fields.count == 2 { durations[String(fields[0])] = Double(fields[1]) }
        }
        return durations
    }

    @Test func audioIsCopiedAndTheRangeIsTrimmedAtKeyframes() throws {
        let directory = try TemporaryDirectory()
        let segments = try segmentsWithAudio(in: directory.url)
        #expect(segments.count == 3)
        let run = ExportRun(initSegment: nil, segments: segments.map { ExportRun.Piece(path: $0, durationSec: 2) })
        // From 1 s (snapped to the keyframe at 0 s) to 1 s into the last segment: 5 s.
        let output = directory.url.appendingPathComponent("out.mp4").path
        let summary = try MP4Export.writeBlocking(ExportPlan.of(runs: [run], startSec: 1, endSec: 1), to: output)
        #expect(abs(summary.mediaSeconds - 5) < 0.1, "\(summary)")
        #expect(summary.audioPackets > 0)
        let durations = try streamDurations(output)
        #expect(abs((durations["video"] ?? 0) - 5) < 0.1, "\(durations)")
        #expect(abs((durations["audio"] ?? 0) - 5) < 0.15, "\(durations)")
    }

    @Test func runsThatDoNotContinueAreJoinedWithoutAGap() throws {
        let directory = try TemporaryDirectory()
        let segments = try segmentsWithAudio(in: directory.url)
        // The same recording twice, as two sessions would follow each other: timestamps go back
        // at the second run and must continue where the first ended.
        let run = ExportRun(initSegment: nil, segments: segments.map { ExportRun.Piece(path: $0, durationSec: 2) })
        let single = ExportRun(initSegment: nil, segments: [ExportRun.Piece(path: segments[1], durationSec: 2)])
        let output = directory.url.appendingPathComponent("joined.mp4").path
        let summary = try MP4Export.writeBlocking(ExportPlan.of(runs: [run, single, run], startSec: nil, endSec: nil), to: output)
        #expect(abs(summary.mediaSeconds - 14) < 0.15, "\(summary)")
        let durations = try streamDurations(output)
        #expect(abs((durations["video"] ?? 0) - 14) < 0.15, "\(durations)")
        let probe = try MediaProbe.probe(URL(fileURLWithPath: output))
        #expect(probe.decodeErrors == 0 && probe.framesDecoded == 14 * 25)
    }

    @Test func aMissingSegmentFailsWithENOENT() throws {
        let directory = try TemporaryDirectory()
        let run = ExportRun(initSegment: nil, segments: [ExportRun.Piece(path: directory.url.appendingPathComponent("gone.ts").path, durationSec: 2)])
        #expect(throws: (any Error).self) {
            try MP4Export.writeBlocking(ExportPlan.of(runs: [run], startSec: nil, endSec: nil), to: directory.url.appendingPathComponent("x.mp4").path)
        }
        do {
            _ = try MP4Export.writeBlocking(ExportPlan.of(runs: [run], startSec: nil, endSec: nil), to: directory.url.appendingPathComponent("x.mp4").path)
        } catch {
            #expect(MP4Export.posixErrno(of: error) == ENOENT, "\(error)")
        }
    }
}

extension MP4ExportTests {
    /// `moov` goes before `mdat` with space reserved from the plan's duration, and when that
    /// estimate is short the export is written again with `+faststart`.
    @Test func moovPrecedesMdatWithAReserveOrAfterTheFallback() throws {
        let directory = try TemporaryDirectory()
        let segments = try segmentsWithAudio(in: directory.url)
        let run = ExportRun(initSegment: nil, segments: segments.map { ExportRun.Piece(path: $0, durationSec: 2) })
        var plan = ExportPlan.of(runs: [run], startSec: nil, endSec: nil)
        #expect(plan.mediaSeconds == 6)
        for seconds in [plan.mediaSeconds, 0.01] {  // 0.01 s: a reserve far too small
            plan.mediaSeconds = seconds
            let output = directory.url.appendingPathComponent("moov-\(seconds).mp4")
            let summary = try MP4Export.writeBlocking(plan, to: output.path)
            let boxes = Self.topLevelBoxes(Array(try Data(contentsOf: output)))
            let moov = try #require(boxes.firstIndex(of: "moov")), mdat = try #require(boxes.firstIndex(of: "mdat"))
            #expect(moov < mdat, "\(boxes)")
            #expect(abs(summary.mediaSeconds - 6) < 0.1)
            #expect(abs((try streamDurations(output.path)["video"] ?? 0) - 6) < 0.1)
        }
    }

    static func topLevelBoxes(_ bytes: [UInt8]) -> [String] {
        var types: [String] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            var size = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            types.append(String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self))
            if size == 1, offset + 16 <= bytes.count { size = bytes[offset + 8..<offset + 16].reduce(0) { $0 << 8 | Int($1) } }
            if size == 0 { size = bytes.count - offset }
            guard size >= 8 else { break }
            offset += size
        }
        return types
    }
}
