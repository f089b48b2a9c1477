import Foundation

/// Session ids name a directory and a URL path segment, so they are checked before anything else sees them.
public enum SessionID {
    /// First path segments the HTTP server uses for itself; a session may not take them.
    public static let reserved: Set<String> = [
        "sessions", "healthz", "metrics", "openapi", "static", "assets", "api", "ui", "favicon", "index",
        "devices", "detections", "nodes", "exports", "live", "thumbnails",
    ]

    /// `^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$` and not reserved.
    public static func isValid(_ candidate: String) -> Bool {
        let bytes = Array(candidate.utf8)
        guard (1...64).contains(bytes.count), isAlphanumeric(bytes[0]) else { return false }
        for byte in bytes.dropFirst() where !(isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")) {
            return false
        }
        return !reserved.contains(candidate.lowercased())
    }

    /// `sess-20261130T042233Z-3fa9c1d2`: sortable by time, unique under concurrency through the random tail.
    public static func generate(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let tail = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "sess-\(formatter.string(from: now))-\(String(repeating: "0", count: 8 - tail.count))\(tail)"
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
