/// A track accepted at ANNOUNCE, with what its depacketizer needs beyond the public `PublishTrack`.
struct AnnouncedTrack: Sendable {
    var track: PublishTrack
    var payloadType: Int
    /// H.265 `sprop-max-don-diff` > 0: every AP/FU carries a 16-bit DONL field.
    var h265HasDONL: Bool = false
    var aac: AACParameters?
}

/// RFC 3640 fmtp fields of an mpeg4-generic stream.
struct AACParameters: Sendable, Equatable {
    var sizeLength: Int
    var indexLength: Int
    var indexDeltaLength: Int
    /// Samples per frame: fmtp `constantDuration`, else 1024 (AAC-LC).
    var frameDuration: Int
}
