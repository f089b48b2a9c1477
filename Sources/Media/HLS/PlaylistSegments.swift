import Foundation

/// The facts about each segment a recording's playlist lists, read from disk: what the segment
/// index stores. The public face of `PlaylistFile` for other modules.
public struct ListedSegment: Sendable, Equatable {
    /// The segment's media sequence number (`#EXT-X-MEDIA-SEQUENCE` plus its position).
    public var seq: Int
    public var uri: String
    /// Its `#EXT-X-PROGRAM-DATE-TIME`; for a segment without one, the last one before it plus the
    /// durations in between; nil when no segment up to here has one.
    public var startsAt: Date?
    /// Seconds of media before this segment in the playlist.
    public var offsetSec: Double
    public var durationSec: Double
    /// The file's size; nil when the file is missing.
    public var bytes: Int64?
    public var discontinuity: Bool
}

public enum PlaylistSegments {
    /// Every segment `directory/index.m3u8` lists; nil when there is no playlist.
    public static func read(in directory: URL) throws -> [ListedSegment]? {
        guard let playlist = try PlaylistFile.read(in: directory) else { return nil }
        let firstSeq = playlist.header.lazy.compactMap { line -> Int? in
            guard line.hasPrefix("#EXT-X-MEDIA-SEQUENCE:") else { return nil }
            return Int(line.dropFirst("#EXT-X-MEDIA-SEQUENCE:".count).trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        var listed: [ListedSegment] = []
        var offset = 0.0
        var carried: Date?
        for (index, segment) in playlist.segments.enumerated() {
            let stated = segment.tags.lazy.compactMap { tag -> Date? in
                guard tag.hasPrefix("#EXT-X-PROGRAM-DATE-TIME:") else { return nil }
                return programDateTime(String(tag.dropFirst("#EXT-X-PROGRAM-DATE-TIME:".count)))
            }.first
            let startsAt = stated ?? carried
            listed.append(ListedSegment(
                seq: firstSeq + index, uri: segment.uri, startsAt: startsAt, offsetSec: offset,
                durationSec: segment.duration, bytes: fileSize(directory.appendingPathComponent(segment.uri)),
                discontinuity: segment.tags.contains("#EXT-X-DISCONTINUITY")))
            offset += segment.duration
            carried = startsAt?.addingTimeInterval(segment.duration)
        }
        return listed
    }

    /// `2026-11-30T12:00:00.123+0000`, `…Z`, `…+00:00`, with or without fractional seconds.
    public static func programDateTime(_ text: String) -> Date? {
        let scalars = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= scalars.count else { return nil }
            var value = 0
            for byte in scalars[start..<start + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard scalars.count >= 19, scalars[4] == UInt8(ascii: "-"), scalars[7] == UInt8(ascii: "-"),
              scalars[10] == UInt8(ascii: "T") || scalars[10] == UInt8(ascii: " "),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < scalars.count, scalars[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < scalars.count, (48...57).contains(scalars[index]) {
                fraction += Double(scalars[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var zoneOffset = 0
        if index < scalars.count {
            let sign = scalars[index]
            if sign == UInt8(ascii: "Z") {
                index += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                guard let hours = number(index + 1, 2) else { return nil }
                var next = index + 3
                if next < scalars.count, scalars[next] == UInt8(ascii: ":") { next += 1 }
                let minutes = number(next, 2) ?? 0
                next += number(next, 2) == nil ? 0 : 2
                zoneOffset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
                index = next
            } else {
                return nil
            }
        }
        guard index == scalars.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: Double(seconds - zoneOffset) + fraction)
    }

    private static func fileSize(_ url: URL) -> Int64? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }
}
