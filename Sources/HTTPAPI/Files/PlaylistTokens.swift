import Foundation

/// Players that cannot send headers pass the read token as `?token=`; they would drop it on the segment
/// URLs the playlist lists, so the served playlist carries it on every URI.
enum PlaylistTokens {
    static func append(token: String, to playlist: String) -> String {
        let encoded = token.utf8.map { byte -> String in
            let safe = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-_.~".utf8.contains(byte)
            return safe ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }.joined()
        var lines: [String] = []
        for line in playlist.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty || line.hasPrefix("#") {
                if line.hasPrefix("#EXT-X-MAP:"), let range = line.range(of: "URI=\"") , let close = line[range.upperBound...].firstIndex(of: "\"") {
                    let uri = line[range.upperBound..<close]
                    lines.append(String(line[..<range.upperBound]) + uri + "?token=" + encoded + String(line[close...]))
                } else {
                    lines.append(String(line))
                }
            } else {
                lines.append(line + (line.contains("?") ? "&" : "?") + "token=" + encoded)
            }
        }
        return lines.joined(separator: "\n")
    }
}
