import CFFmpeg

/// The span covered by frames or packets: first timestamp to last timestamp plus one frame.
struct FrameTiming {
    let timeBase: AVRational
    let frameSeconds: Double
    var first: Int64?
    var last: Int64?
    var lastDuration: Int64 = 0

    init(timeBase: AVRational, frameRate: AVRational) {
        self.timeBase = timeBase
        frameSeconds = frameRate.num > 0 && frameRate.den > 0 ? av_q2d(av_inv_q(frameRate)) : 0
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
        let span = Double(last - first) * av_q2d(timeBase)
        let tail = lastDuration > 0 ? Double(lastDuration) * av_q2d(timeBase) : frameSeconds
        return span + tail
    }
}
