import Foundation
import Logging

/// Brings a `thumbnails.vtt` left by a recording that did not end cleanly (a crash) to its final
/// form for the recovered playlist: ceil(duration / interval) cues, slots past the last tile
/// showing the last tile, the last cue ending at the duration. The interval is the first cue's
/// length (every cue but the last of a track spans exactly one interval). Rewriting a final
/// track gives the same text, so this is idempotent.
enum ThumbnailTrackRecovery {
    static func finalize(directory: URL, mediaDuration: Double, logger: Logger?) {
        let url = directory.appendingPathComponent(ThumbnailTrackFile.fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        let text = String(decoding: data, as: UTF8.self)
        let cues = text.components(separatedBy: "\n\n").dropFirst().compactMap(cue)
        guard let first = cues.first, let last = cues.last else { return }
        let interval = first.end - first.start
        guard interval > 0 else { return }
        let count = ThumbnailTrackFile.cueCount(mediaDuration: mediaDuration, interval: interval)
        var final = "WEBVTT\n"
        for slot in 0..<count {
            let start = Double(slot) * interval
            let end = slot == count - 1 ? max(start, mediaDuration) : Double(slot + 1) * interval
            let target = slot < cues.count ? cues[slot].target : last.target
            final += "\n\(ThumbnailTrackFile.timestamp(start)) --> \(ThumbnailTrackFile.timestamp(end))\n\(target)\n"
        }
        guard final != text else { return }
        do {
            try AtomicFile.write(Data(final.utf8), to: url)
            logger?.notice("finalized the thumbnail track", metadata: ["directory": "\(directory.path)", "cues": "\(count)"])
        } catch {
            logger?.warning("cannot finalize the thumbnail track", metadata: ["directory": "\(directory.path)", "error": "\(error)"])
        }
    }

    private static func cue(_ block: String) -> (start: Double, end: Double, target: String)? {
        let lines = block.split(separator: "\n")
        guard lines.count == 2 else { return nil }
        let times = lines[0].components(separatedBy: " --> ")
        guard times.count == 2, let start = seconds(times[0]), let end = seconds(times[1]) else { return nil }
        return (start, end, String(lines[1]))
    }

    private static func seconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":")
        guard parts.count == 3, let hours = Double(parts[0]), let minutes = Double(parts[1]), let seconds = Double(parts[2]) else { return nil }
        return hours * 3600 + minutes * 60 + seconds
    }
}
