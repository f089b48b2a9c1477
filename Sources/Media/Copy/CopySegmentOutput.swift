import LibAV

/// Where a copy recording's segments go: one MPEG-TS file per segment, or one fragmented MP4
/// (`init.mp4` once, then one fragment file per segment). Packets arrive on the recording's
/// 90 kHz timeline (`CopySegmentFile.timeBase`).
protocol CopySegmentOutput: AnyObject {
    /// The fMP4 initialization segment, once written.
    var initSegmentName: String? { get }
    var segmentExtension: String { get }
    func beginSegment(named name: String, video: CopyInputStream, audio: CopyInputStream?) throws
    func write(_ packet: Packet, video: Bool) throws
    /// The segment file is complete on disk.
    func endSegment() throws
    /// The recording ends (after the last `endSegment`).
    func finish() throws
}
