import Foundation

/// Whether a segment file on disk is whole: it opens, starts with a keyframe, has no corrupt
/// packets (and, when decoded, no decode errors) and covers about the time it should.
enum SegmentCheck {
    /// How many of the newest segments are decoded in full when a whole recording is checked;
    /// older ones are only demuxed. A failure tears the segments written around it, while
    /// decoding an hour of video at start-up would take minutes.
    static let decodedTail = 3

    /// The segment's probe report when it is intact, nil when it is torn or unreadable.
    /// `decode` decodes every frame (thorough, costly); otherwise packets are only demuxed.
    static func intactReport(_ name: String, in directory: URL, initSegment: String?,
                             expectedSeconds: Double, decode: Bool) -> MediaProbeReport? {
        let report: MediaProbeReport
        do {
            report = try MediaProbe.probe(segment: directory.appendingPathComponent(name),
                                          initSegment: initSegment.map { directory.appendingPathComponent($0) },
                                          decodeFrames: decode)
        } catch {
            return nil
        }
        let clean = decode ? report.decodesCleanly : report.videoPackets > 0 && report.corruptPackets == 0
        guard clean, report.firstVideoPacketIsKeyframe else { return nil }
        // A file cut short still demuxes cleanly up to the cut; its length gives it away.
        if expectedSeconds > 0, report.mediaSeconds < expectedSeconds * 0.9 { return nil }
        return report
    }
}
