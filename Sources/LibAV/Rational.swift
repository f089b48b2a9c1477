import CFFmpeg

/// A libav time base or frame rate (`AVRational`).
public struct Rational: Hashable, Sendable, CustomStringConvertible {
    public var numerator: Int32
    public var denominator: Int32

    public init(_ numerator: Int32, _ denominator: Int32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    init(_ value: AVRational) { self.init(value.num, value.den) }

    var av: AVRational { AVRational(num: numerator, den: denominator) }

    /// AV_TIME_BASE_Q: the microsecond time base of container durations.
    public static let microseconds = Rational(streamd_time_base_q())

    public var isValid: Bool { numerator > 0 && denominator > 0 }
    public var doubleValue: Double { av_q2d(av) }
    public var inverted: Rational { Rational(denominator, numerator) }
    public var description: String { "\(numerator)/\(denominator)" }

    /// `value` from time base `from` to `to`, rounded to nearest (ties away from zero).
    public static func rescale(_ value: Int64, from: Rational, to: Rational) -> Int64 {
        av_rescale_q_rnd(value, from.av, to.av,
                         AVRounding(rawValue: AV_ROUND_NEAR_INF.rawValue | AV_ROUND_PASS_MINMAX.rawValue))
    }
}
