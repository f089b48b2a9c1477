/// The container of the HLS segments.
public enum SegmentFormat: String, Sendable, Codable {
    /// `seg_00000.ts`, …
    case mpegts
    /// `init.mp4` plus `seg_00000.m4s`, …
    case fmp4
}
