/// Extends 32-bit RTP timestamps to 64 bits. Steps are read as signed 32-bit differences, so a
/// wrap goes forward and B-frame reordering (small backward steps) stays backward.
struct TimestampUnwrapper: Sendable {
    private var last: (raw: UInt32, extended: Int64)?

    mutating func unwrap(_ raw: UInt32) -> Int64 {
        guard let last else {
            self.last = (raw, Int64(raw))
            return Int64(raw)
        }
        let step = Int64(Int32(bitPattern: raw &- last.raw))
        let extended = last.extended + step
        self.last = (raw, extended)
        return extended
    }
}
