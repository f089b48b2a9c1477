import NIOConcurrencyHelpers

/// Hands out candidate even RTP ports from a configured range, round robin; the OS decides
/// whether a candidate is actually free (bind fails otherwise and the next is tried).
final class UDPPortAllocator: Sendable {
    let range: ClosedRange<Int>?
    private let cursor = NIOLockedValueBox(0)

    init(range: ClosedRange<Int>?) {
        self.range = range
    }

    /// Even ports `p` with `p + 1` still inside the range, starting after the last one handed out.
    func candidates() -> [Int] {
        guard let range else { return [] }
        let first = range.lowerBound % 2 == 0 ? range.lowerBound : range.lowerBound + 1
        let evens = Array(stride(from: first, to: range.upperBound, by: 2))
        guard !evens.isEmpty else { return [] }
        let start = cursor.withLockedValue { value -> Int in
            defer { value = (value + 1) % evens.count }
            return value % evens.count
        }
        return Array(evens[start...] + evens[..<start])
    }
}
