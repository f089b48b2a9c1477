import Foundation
import LibAV
import StreamdTestSupport
import Testing
@testable import Media

/// A test stream made with the ffmpeg CLI: testsrc2 at 320x240, 30 fps, a keyframe every 60
/// frames, so 2 s segments cut exactly.
enum CopyTestStream {
    case h264
    case h264AAC
    case hevc

    var fileName: String {
        switch self {
        case .h264: return "source-h264.mp4"
        case .h264AAC: return "source-h264-aac.ts"
        case .hevc: return "source-hevc.ts"
        }
    }

    func make(in directory: URL, seconds: Int = 6) throws -> URL {
        let url = directory.appendingPathComponent(fileName)
        var arguments = ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30"]
        if self == .h264AAC { arguments += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"] }
        arguments += ["-t", "\(seconds)", "-pix_fmt", "yuv420p", "-g", "60"]
        switch self {
        case .h264, .h264AAC: arguments += ["-c:v", "libx264", "-preset", "veryfast", "-threads", "1"]
        case .hevc: arguments += ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:keyint=60:min-keyint=60:scenecut=0"]
        }
        if self == .h264AAC { arguments += ["-c:a", "aac", "-b:a", "64k"] }
        arguments.append(url.path)
        let status = try runToolStatus("ffmpeg", arguments)
        guard status == 0, FileManager.default.fileExists(atPath: url.path) else {
            throw MediaError.invalidSpec(reason: "ffmpeg could not make \(fileName) (exit \(status))")
        }
        return url
    }
}

func copySpec(_ directory: URL, id: String, maxMediaSeconds: Double? = nil, format: SegmentFormat = .mpegts) -> CopySpec {
    CopySpec(sessionId: id, directory: directory.appendingPathComponent(id), segmentSeconds: 2,
             segmentFormat: format, maxMediaSeconds: maxMediaSeconds)
}

/// Copies `source` into a recording through the demuxer feeder, `runs` times back to back (each
/// later run as a returning source: a discontinuity, timestamps restarting). Returns its events.
func copyThroughDemuxer(_ source: URL, spec: CopySpec, runs: Int = 1) async -> [PipelineEvent] {
    let (events, continuation) = AsyncStream.makeStream(of: PipelineEvent.self)
    let thread = Thread {
        CopyRun.execute(spec: spec, logger: TestLog.logger, continuation: continuation) { segmenter in
            for run in 0..<runs {
                let input = try InputFormatContext(url: source.path, formatName: nil, options: [])
                try input.findStreamInfo()
                let copier = try DemuxCopier(input: input, logger: TestLog.logger)
                if run > 0 { segmenter.noteReconnect() }
                if case .outcome(let end) = try copier.copy(into: segmenter, discontinuity: run > 0, shouldStop: { false }) {
                    return end
                }
            }
            return .stopped
        }
    }
    thread.start()
    return await collect(events, timeout: 60)
}

/// Every event of `stream` until it ends, or what arrived within `timeout` seconds.
func collect(_ stream: AsyncStream<PipelineEvent>, timeout: Double) async -> [PipelineEvent] {
    await withTaskGroup(of: [PipelineEvent]?.self) { group in
        group.addTask {
            var events: [PipelineEvent] = []
            for await event in stream { events.append(event) }
            return events
        }
        group.addTask {
            try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        if let first { return first }
        Issue.record("no .finished within \(timeout) s")
        return []
    }
}

/// The EXTINF values of a playlist.
func extinfValues(_ directory: URL) -> [Double] {
    (playlistText(directory) ?? "").split(separator: "\n")
        .filter { $0.hasPrefix("#EXTINF:") }
        .compactMap { Double($0.dropFirst(8).prefix { $0 != "," }) }
}

/// `#EXT-X-TARGETDURATION` of a playlist.
func targetDuration(_ directory: URL) -> Int? {
    (playlistText(directory) ?? "").split(separator: "\n")
        .first { $0.hasPrefix("#EXT-X-TARGETDURATION:") }
        .flatMap { Int($0.dropFirst("#EXT-X-TARGETDURATION:".count)) }
}

/// ffprobe's duration of a file or playlist.
func ffprobeDuration(_ url: URL) throws -> Double {
    let text = try runTool("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url.path])
    return Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
}

/// ffprobe's codec names of the streams of `url`, e.g. ["h264", "aac"] (MPEG-TS programs list
/// their streams a second time: each name once).
func ffprobeCodecs(_ url: URL) throws -> [String] {
    let names = try runTool("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", url.path])
        .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    var seen: Set<String> = []
    return names.filter { seen.insert($0).inserted }
}

/// The NAL units of every video packet of `url` in order, each packet's split from Annex-B or
/// length-prefixed framing, leaving out what containers add (AUD, parameter sets).
func videoNALUnits(_ url: URL, codec: CopyStreamInfo.Codec) throws -> [[UInt8]] {
    let input = try InputFormatContext(url: url.path, formatName: nil, options: [])
    try input.findStreamInfo()
    let video = try input.videoStream()
    let packet = try Packet()
    var units: [[UInt8]] = []
    while try input.read(into: packet) != .endOfStream {
        defer { packet.unref() }
        guard packet.streamIndex == video.index else { continue }
        units += NALUnits.split(packet.payload).filter { nal in
            NALUnits.type(of: nal, codec: codec).map { !NALUnits.isContainerAdded($0, codec: codec) } ?? false
        }
    }
    return units
}
