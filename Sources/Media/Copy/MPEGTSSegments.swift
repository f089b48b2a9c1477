import Foundation
import LibAV

/// One MPEG-TS file per segment, each with its own mpegts muxer.
final class MPEGTSSegments: CopySegmentOutput {
    private let directory: URL
    private var current: CopySegmentFile?

    init(directory: URL) {
        self.directory = directory
    }

    var initSegmentName: String? { nil }
    var segmentExtension: String { "ts" }

    func beginSegment(named name: String, video: CopyInputStream, audio: CopyInputStream?) throws {
        current = try CopySegmentFile(directory: directory, name: name, video: video, audio: audio)
    }

    func write(_ packet: Packet, video: Bool) throws {
        try current?.write(packet, video: video)
    }

    func endSegment() throws {
        guard let current else { return }
        self.current = nil
        try current.close()
    }

    func finish() throws {}
}
