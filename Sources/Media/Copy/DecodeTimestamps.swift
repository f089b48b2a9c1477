/// Synthesises a monotonic DTS for video whose pictures arrive in decoding order with only
/// presentation times (RTP). With B-frames PTS are reordered by at most `depth` pictures, so the
/// (i − depth)-th smallest PTS seen is known at picture i and never exceeds its PTS: that is
/// its DTS. The first `depth` pictures are held back and get DTS extrapolated backwards one
/// frame each. Without B-frames this delays DTS by `depth` frames (harmless: PTS − DTS grows).
struct DecodeTimestamps {
    let depth: Int
    let fallbackFrameTicks: Int64
    private var pending: [Int64] = []
    private var count = 0
    private var lastDTS: Int64?

    init(depth: Int = 4, fallbackFrameTicks: Int64) {
        self.depth = depth
        self.fallbackFrameTicks = max(1, fallbackFrameTicks)
    }

    /// Takes the next picture's PTS. Returns nil while the first `depth` pictures are held back;
    /// then the DTS of the held-back pictures (in order) and of this one.
    mutating func next(pts: Int64) -> (heldBack: [Int64], dts: Int64)? {
        let index = pending.firstIndex { $0 > pts } ?? pending.count
        pending.insert(pts, at: index)
        count += 1
        guard count > depth else { return nil }
        let held = count == depth + 1 ? extrapolated(count: depth) : []
        return (held, monotonic(pending.removeFirst()))
    }

    /// DTS for pictures still held back when the stream ends before `depth + 1` arrived.
    mutating func flushHeld() -> [Int64] {
        guard count <= depth else { return [] }
        let held = extrapolated(count: count)
        count = depth + 1
        pending.removeAll()
        return held
    }

    /// The smallest PTS minus one frame per held picture still to come, the frame length being
    /// the smallest gap between the PTS seen.
    private mutating func extrapolated(count held: Int) -> [Int64] {
        var frame = fallbackFrameTicks
        for (a, b) in zip(pending, pending.dropFirst()) where b > a { frame = min(frame, b - a) }
        let smallest = pending.first ?? 0
        return (0..<held).map { monotonic(smallest - Int64(held - $0) * frame) }
    }

    /// DTS must strictly increase even if two pictures share a PTS.
    private mutating func monotonic(_ dts: Int64) -> Int64 {
        let value = lastDTS.map { max($0 + 1, dts) } ?? dts
        lastDTS = value
        return value
    }
}
