import HTTPTypes

/// What a GET or HEAD of a recording file gets, from its validators and the request's conditional and
/// range headers (RFC 9110 §13.2.2 order: `If-None-Match`, else `If-Modified-Since`; then `Range`,
/// honoured only when `If-Range`, if sent, still names this version). Shared by the router's file
/// route and the fast path, so both answer alike.
enum FileAnswer: Equatable {
    case whole
    case partial(ClosedRange<Int>)
    case notModified
    case unsatisfiable

    init(_ file: ServedFile, headers: HTTPFields) {
        self.init(file, ifNoneMatch: headers[.ifNoneMatch], ifModifiedSince: headers[.ifModifiedSince],
                  range: headers[.range], ifRange: headers[.ifRange])
    }

    init(_ file: ServedFile, ifNoneMatch: String?, ifModifiedSince: String?, range: String?, ifRange: String?) {
        if let tags = ifNoneMatch {
            if Self.matches(tags, file.etag) { self = .notModified; return }
        } else if !file.isLivePlaylist, let since = ifModifiedSince,
                  since == file.lastModified || HTTPDate.parse(since).map({ file.lastModifiedSeconds <= $0 }) == true {
            // (A client usually sends back the very Last-Modified it was given: no date to parse then.)
            // A live playlist can change twice within the second Last-Modified names: only its ETag decides.
            self = .notModified
            return
        }
        guard let range, file.acceptsRanges else { self = .whole; return }
        if let condition = ifRange, condition != file.etag, condition != file.lastModified {
            self = .whole
            return
        }
        switch ByteRange(header: range, size: file.bodySize) {
        case .whole: self = .whole
        case .partial(let bytes): self = .partial(bytes)
        case .unsatisfiable: self = .unsatisfiable
        }
    }

    /// `If-None-Match`: `*`, or a list of entity tags compared weakly (a `W/` prefix is ignored).
    static func matches(_ list: String, _ etag: String) -> Bool {
        var rest = Substring(list)
        while !rest.isEmpty {
            while let first = rest.first, first == " " || first == "," || first == "\t" { rest.removeFirst() }
            if rest.hasPrefix("*") { return true }
            if rest.hasPrefix("W/") { rest.removeFirst(2) }
            guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return false }
            if rest[...close] == etag { return true }
            rest = rest[rest.index(after: close)...]
        }
        return false
    }
}
