import LibAV

/// The span covered by frames or packets: first timestamp to last timestamp plus one frame.
struct FrameTiming {
    let timeBase: Rational
    let frameSeconds: Double
    var first: Int64?
    var last: Int64?
    var lastDuration: Int64 = 0

    init(timeBase: Rational, frameRate: Rational) {
        self.timeBase = timeBase
        frameSeconds = frameRate.isValid ? frameRate.inverted.doubleValue : 0
    }

    mutating func add(timestamp: Int64?, duration: Int64) {
        guard let timestamp else { return }
        if timestamp < (first ?? .max) { first = timestamp }
        if timestamp > (last ?? .min) {
            last = timestamp
            lastDuration = duration
        }
    }

    var seconds: Double {
        guard let first, let last else { return 0 }
        let span = Double(last - first) * timeBase.doubleValue
        let tail = lastDuration > 0 ? Double(lastDuration) * timeBase.doubleValue : frameSeconds
        return span + tail
    }
}
