/// A URL to pull from, as the user gave it, and the form that may be shown anywhere: the
/// password in its user info replaced by `***` (`rtsp://user:***@host/path`).
public struct SourceURL: Sendable, Equatable, CustomStringConvertible {
    /// The schemes libavformat opens for a pull.
    public static let schemes: Set<String> = ["rtsp", "rtsps", "rtmp", "rtmps", "srt", "http", "https"]

    /// The URL with its credentials: hand it to libavformat only, never print it.
    public let secret: String
    public let scheme: String
    /// The host without port or credentials (the default device id).
    public let host: String

    /// nil when `string` is not a URL of a supported scheme with a host.
    public init?(_ string: String) {
        guard let schemeEnd = string.range(of: "://") else { return nil }
        let scheme = string[..<schemeEnd.lowerBound].lowercased()
        guard Self.schemes.contains(scheme) else { return nil }
        let rest = string[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let host: Substring
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
        } else {
            host = hostPort.prefix { $0 != ":" }
        }
        guard !host.isEmpty, !string.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }) else { return nil }
        self.secret = string
        self.scheme = scheme
        self.host = String(host)
    }

    /// The URL with any password replaced by `***`.
    public var redacted: String { Self.redact(secret) }

    public var description: String { redacted }

    /// Replaces the password of every `scheme://user:password@` in `text` by `***` (also in
    /// lines FFmpeg logs, which may echo a URL).
    public static func redact(_ text: String) -> String {
        guard text.contains("@"), text.contains("://") else { return text }
        var result = ""
        var rest = Substring(text)
        while let marker = rest.range(of: "://") {
            result += rest[..<marker.upperBound]
            rest = rest[marker.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" && !$0.isWhitespace && $0 != "'" && $0 != "\"" }
            guard let at = authority.lastIndex(of: "@") else { continue }
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                result += userInfo[..<colon] + ":***"
            } else {
                result += userInfo
            }
            rest = rest[at...]
        }
        return result + rest
    }
}
