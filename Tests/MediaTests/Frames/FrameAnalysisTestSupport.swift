import Foundation
import Testing
@testable import Media

/// What `thumbnails.vtt` says, parsed independently of the writer.
struct ParsedTrack {
    struct Cue: Equatable {
        var start: Double
        var end: Double
        var sheet: String
        var x: Int, y: Int, w: Int, h: Int
    }

    var cues: [Cue]

    init(_ directory: URL) throws {
        let text = try String(contentsOf: directory.appendingPathComponent("thumbnails.vtt"), encoding: .utf8)
        let blocks = text.components(separatedBy: "\n\n")
        guard blocks.first == "WEBVTT" || blocks.first == "WEBVTT\n" else { throw MediaError.invalidSpec(reason: "no WEBVTT header") }
        cues = try blocks.dropFirst().compactMap { block in
            let lines = block.split(separator: "\n").map(String.init)
            guard lines.count == 2 else { return nil }
            let times = lines[0].components(separatedBy: " --> ")
            let target = lines[1].components(separatedBy: "#xywh=")
            let box = target.count == 2 ? target[1].split(separator: ",").compactMap { Int($0) } : []
            guard times.count == 2, let start = Self.seconds(times[0]), let end = Self.seconds(times[1]), box.count == 4 else {
                throw MediaError.invalidSpec(reason: "malformed cue \(block)")
            }
            return Cue(start: start, end: end, sheet: target[0], x: box[0], y: box[1], w: box[2], h: box[3])
        }
    }

    static func seconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":")
        guard parts.count == 3, let h = Double(parts[0]), let m = Double(parts[1]), let s = Double(parts[2]) else { return nil }
        return h * 3600 + m * 60 + s
    }
}

/// `codec,width,height` of a picture file by ffprobe.
func probePicture(_ url: URL) throws -> (codec: String, width: Int, height: Int) {
    let line = try runTool("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", url.path])
        .trimmingCharacters(in: .whitespacesAndNewlines)
    let fields = line.split(separator: ",")
    guard fields.count == 3, let width = Int(fields[1]), let height = Int(fields[2]) else {
        throw MediaError.invalidSpec(reason: "ffprobe says \"\(line)\" about \(url.lastPathComponent)")
    }
    return (String(fields[0]), width, height)
}

/// Every cue is where the writer's sheets have a tile: the sheet exists, decodes as JPEG, and
/// the tile lies inside it.
func expectCuesInsideSheets(_ track: ParsedTrack, sessionId: String, directory: URL) throws {
    var sizes: [String: (Int, Int)] = [:]
    for cue in track.cues {
        #expect(cue.sheet.hasPrefix("/\(sessionId)/thumbnails-") && cue.sheet.hasSuffix(".jpg"), "\(cue.sheet)")
        let name = String(cue.sheet.split(separator: "/").last ?? "")
        if sizes[name] == nil {
            let picture = try probePicture(directory.appendingPathComponent(name))
            #expect(picture.codec == "mjpeg")
            sizes[name] = (picture.width, picture.height)
        }
        let (width, height) = sizes[name] ?? (0, 0)
        #expect(cue.x + cue.w <= width && cue.y + cue.h <= height, "\(cue) outside \(name) \(width)x\(height)")
    }
}

/// A test stream of `seconds` made with the ffmpeg CLI from a lavfi `graph`, H.264 with a keyframe
/// every `gop` frames.
func makeH264File(in directory: URL, name: String, graph: String, seconds: Int, gop: Int = 60) throws -> URL {
    let url = directory.appendingPathComponent(name)
    let status = try runToolStatus("ffmpeg", [
        "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", graph, "-t", "\(seconds)", "-pix_fmt", "yuv420p",
        "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1", "-g", "\(gop)", "-keyint_min", "\(gop)", "-sc_threshold", "0",
        url.path,
    ])
    guard status == 0 else { throw MediaError.invalidSpec(reason: "ffmpeg could not make \(name) (exit \(status))") }
    return url
}

extension Array where Element == PipelineEvent {
    var motionEvents: [MotionEvent] {
        compactMap { if case let .motion(event) = $0 { return event } else { return nil } }
    }
}

enum TestGraphs {
    static let moving = "testsrc2=size=320x240:rate=30"
    static let still = "testsrc2=size=320x240:rate=30,trim=end_frame=1,loop=loop=-1:size=1"
    static let stillNoise = "testsrc2=size=320x240:rate=30,trim=end_frame=1,loop=loop=-1:size=1,noise=alls=4:allf=t"
}
