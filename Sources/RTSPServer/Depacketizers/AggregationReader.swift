/// Reads the NAL units of an aggregation packet (H.264 STAP-A, H.265 AP): 16-bit size, NAL unit, …
enum AggregationReader {
    /// nil when a size runs past the end or is zero: the packet is malformed as a whole.
    /// `donlBytes`: H.265 with DONL has 2 bytes before the first unit and 1 (DOND) before the rest.
    static func units(_ body: ArraySlice<UInt8>, donlBytes: Int) -> [[UInt8]]? {
        var units: [[UInt8]] = []
        var index = body.startIndex
        var first = true
        while index < body.endIndex {
            index += first ? donlBytes : (donlBytes > 0 ? 1 : 0)
            first = false
            guard index + 2 <= body.endIndex else { return nil }
            let size = Int(body[index]) << 8 | Int(body[index + 1])
            index += 2
            guard size > 0, index + size <= body.endIndex else { return nil }
            units.append(Array(body[index..<index + size]))
            index += size
        }
        return units.isEmpty ? nil : units
    }
}
