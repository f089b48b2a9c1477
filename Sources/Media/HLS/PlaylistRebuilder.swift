import Foundation
import Logging

/// Writes a new playlist from the segment files in a directory, for when the playlist itself is
/// gone or was torn (a full disk can leave it empty). Durations come from the media, program
/// date-times from the files' modification times (a segment is closed when it ends).
enum PlaylistRebuilder {
    static func rebuild(in directory: URL, logger: Logger?) throws -> PlaylistFile {
        let segmentFiles = try segmentFileNames(in: directory)
        guard !segmentFiles.isEmpty else {
            return PlaylistFile.empty(targetDuration: PlaylistRecovery.emptyTargetDuration)
        }
        let fragmented = segmentFiles.contains { $0.hasSuffix(".m4s") }
        let initSegment = fragmented && FileManager.default.fileExists(atPath: directory.appendingPathComponent("init.mp4").path)
            ? "init.mp4" : nil
        var segments: [PlaylistFile.Segment] = []
        var afterGap = false
        for (index, name) in segmentFiles.enumerated() {
            let decode = index >= segmentFiles.count - SegmentCheck.decodedTail
            guard let report = SegmentCheck.intactReport(name, in: directory, initSegment: initSegment,
                                                         expectedSeconds: 0, decode: decode) else {
                logger?.warning("removing a torn segment", metadata: ["file": "\(directory.appendingPathComponent(name).path)"])
                unlink(directory.appendingPathComponent(name).path)
                afterGap = !segments.isEmpty
                continue
            }
            var tags = [String(format: "#EXTINF:%.6f,", report.mediaSeconds)]
            if let ended = modificationDate(of: name, in: directory) {
                tags.append("#EXT-X-PROGRAM-DATE-TIME:" + programDateTime(ended.addingTimeInterval(-report.mediaSeconds)))
            }
            if afterGap { tags.insert("#EXT-X-DISCONTINUITY", at: 0) }
            afterGap = false
            segments.append(PlaylistFile.Segment(tags: tags, uri: name, duration: report.mediaSeconds))
        }
        let longest = segments.map(\.duration).max() ?? Double(PlaylistRecovery.emptyTargetDuration)
        var header = ["#EXTM3U", "#EXT-X-VERSION:\(initSegment == nil ? 3 : 7)",
                      "#EXT-X-TARGETDURATION:\(max(1, Int(longest.rounded())))",
                      "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:EVENT", "#EXT-X-INDEPENDENT-SEGMENTS"]
        if let initSegment { header.append("#EXT-X-MAP:URI=\"\(initSegment)\"") }
        return PlaylistFile(header: header, segments: segments, hasEndList: true)
    }

    /// `seg_00000.ts` / `seg_00000.m4s` files, in segment order.
    private static func segmentFileNames(in directory: URL) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MediaError.fileSystem(operation: "list", path: directory.path, errno: EIO, message: error.localizedDescription)
        }
        let numbered: [(Int, String)] = names.compactMap { name in
            guard name.hasPrefix("seg_"), name.hasSuffix(".ts") || name.hasSuffix(".m4s") else { return nil }
            let digits = name.dropFirst(4).prefix { $0.isNumber }
            guard let number = Int(digits), name.dropFirst(4 + digits.count).first == "." else { return nil }
            return (number, name)
        }
        return numbered.sorted { $0.0 < $1.0 }.map(\.1)
    }

    private static func modificationDate(of name: String, in directory: URL) -> Date? {
        var status = stat()
        guard stat(directory.appendingPathComponent(name).path, &status) == 0 else { return nil }
        return Date(timeIntervalSince1970: Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9)
    }

    /// The form FFmpeg's HLS muxer writes: 2026-01-01T00:00:00.000+0000.
    private static func programDateTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
        return formatter.string(from: date)
    }
}
