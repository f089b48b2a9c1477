/// The parts of an `rtsp://` request URI that routing needs.
struct RTSPURL: Sendable, Equatable {
    /// Everything after the authority: `/path/segments?query`, as sent.
    var pathAndQuery: String
    /// The path without the query, percent-encoded as sent.
    var path: String
    var query: [String: String]

    /// Accepts `rtsp://[user[:pass]@]host[:port]/path?query`, `rtsps://…`, or a bare `/path`.
    init?(_ uri: String) {
        var rest = Substring(uri)
        if let schemeEnd = rest.firstRange(of: "://") {
            let scheme = rest[rest.startIndex..<schemeEnd.lowerBound].lowercased()
            guard scheme == "rtsp" || scheme == "rtsps" || scheme == "rtspu" else { return nil }
            rest = rest[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            rest = rest[authorityEnd...]
        } else if !rest.hasPrefix("/") {
            return nil
        }
        pathAndQuery = rest.isEmpty ? "/" : String(rest)
        if let mark = rest.firstIndex(of: "?") {
            path = String(rest[rest.startIndex..<mark])
            query = Self.parseQuery(rest[rest.index(after: mark)...])
        } else {
            path = String(rest)
            query = [:]
        }
    }

    /// The first non-empty path component, percent-decoded: the publish path (session id).
    var firstComponent: String? {
        guard let raw = path.split(separator: "/").first else { return nil }
        return Self.percentDecoded(raw)
    }

    private static func parseQuery(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        // ffmpeg appends "/streamid=N" to the whole URL, query included: a query value stops at "/".
        let queryPart = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        for pair in queryPart.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = parts.first.flatMap({ percentDecoded($0) }), !key.isEmpty else { continue }
            let value = parts.count > 1 ? percentDecoded(parts[1]) ?? "" : ""
            if result[key] == nil { result[key] = value }
        }
        return result
    }

    /// RFC 3986 percent-decoding (`+` stays `+`); nil for a broken escape or invalid UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        var decoder = UTF8()
        var byteIterator = bytes.makeIterator()
        var scalars = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&byteIterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return String(scalars)
            case .error: return nil
            }
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: return byte - 48
        case 65...70: return byte - 55
        case 97...102: return byte - 87
        default: return nil
        }
    }
}
