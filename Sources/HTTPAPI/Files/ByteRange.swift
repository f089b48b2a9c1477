/// A single `Range: bytes=…` request resolved against a file size (RFC 9110 §14).
enum ByteRange: Equatable {
    /// No usable range: serve the whole file (absent, malformed, or several ranges).
    case whole
    case partial(ClosedRange<Int>)
    /// 416: the range starts past the end, or asks for zero bytes.
    case unsatisfiable

    /// Byte by byte: it runs for every range request on the fast path, where `Substring.contains(",")`
    /// resolved to Foundation's `range(of:)` (CFStringFind, 4 % of a range request's CPU).
    init(header: String?, size: Int) {
        let prefix = "bytes=".utf8
        guard let header, header.utf8.starts(with: prefix) else { self = .whole; return }
        var spec = header.utf8.dropFirst(prefix.count)
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while let first = spec.first, isBlank(first) { spec = spec.dropFirst() }
        while let last = spec.last, isBlank(last) { spec = spec.dropLast() }
        guard !spec.contains(UInt8(ascii: ",")), let dash = spec.firstIndex(of: UInt8(ascii: "-")) else { self = .whole; return }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            // bytes=-N: the last N bytes.
            guard let suffix = Self.number(last) else { self = .whole; return }
            guard suffix > 0, size > 0 else { self = .unsatisfiable; return }
            self = .partial(max(0, size - suffix)...(size - 1))
            return
        }
        guard let start = Self.number(first) else { self = .whole; return }
        let end: Int
        if last.isEmpty {
            end = size - 1
        } else {
            guard let value = Self.number(last), value >= start else { self = .whole; return }
            end = min(value, size - 1)
        }
        guard start < size else { self = .unsatisfiable; return }
        self = .partial(start...end)
    }

    /// Decimal digits only (no sign, no blanks), as RFC 9110's `1*DIGIT`; nil when empty or too large.
    private static func number(_ digits: Substring.UTF8View.SubSequence) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflowTimes, !overflowSum else { return nil }
            value = sum
        }
        return value
    }
}
