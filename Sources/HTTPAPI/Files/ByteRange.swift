/// A single `Range: bytes=…` request resolved against a file size (RFC 9110 §14).
enum ByteRange: Equatable {
    /// No usable range: serve the whole file (absent, malformed, or several ranges).
    case whole
    case partial(ClosedRange<Int>)
    /// 416: the range starts past the end, or asks for zero bytes.
    case unsatisfiable

    init(header: String?, size: Int) {
        guard let header, header.hasPrefix("bytes=") else { self = .whole; return }
        // Without Foundation: it runs for every range request on the fast path.
        var spec = header.dropFirst("bytes=".count)
        while let first = spec.first, first == " " || first == "\t" { spec.removeFirst() }
        while let last = spec.last, last == " " || last == "\t" { spec.removeLast() }
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { self = .whole; return }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            // bytes=-N: the last N bytes.
            guard let suffix = Int(last), suffix >= 0 else { self = .whole; return }
            guard suffix > 0, size > 0 else { self = .unsatisfiable; return }
            self = .partial(max(0, size - suffix)...(size - 1))
            return
        }
        guard let start = Int(first), start >= 0 else { self = .whole; return }
        let end: Int
        if last.isEmpty {
            end = size - 1
        } else {
            guard let value = Int(last), value >= start else { self = .whole; return }
            end = min(value, size - 1)
        }
        guard start < size else { self = .unsatisfiable; return }
        self = .partial(start...end)
    }
}
