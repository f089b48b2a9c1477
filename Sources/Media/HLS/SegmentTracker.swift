import Foundation

/// Follows the playlist the HLS muxer rewrites and reports the segments it newly lists, with
/// running totals taken from the playlist (EXTINF) and the disk (sizes).
final class SegmentTracker {
    struct Totals: Equatable {
        var segmentCount = 0
        var mediaDuration = 0.0
        var bytes: Int64 = 0
    }

    let directory: URL
    private(set) var totals = Totals()
    private var initSegmentCounted = false

    init(directory: URL) {
        self.directory = directory
    }

    /// Re-reads the playlist; returns the file names listed since the last call, each with the
    /// totals including it.
    func refresh() throws -> [(fileName: String, totals: Totals)] {
        guard let playlist = try PlaylistFile.read(in: directory) else { return [] }
        if !initSegmentCounted, let initURI = playlist.initSegmentURI {
            totals.bytes += fileSize(initURI)
            initSegmentCounted = true
        }
        guard playlist.segments.count > totals.segmentCount else { return [] }
        var added: [(fileName: String, totals: Totals)] = []
        for segment in playlist.segments[totals.segmentCount...] {
            totals.mediaDuration += segment.duration
            totals.bytes += fileSize(segment.uri)
            totals.segmentCount += 1
            added.append((segment.uri, totals))
        }
        return added
    }

    private func fileSize(_ name: String) -> Int64 { FileSystem.fileSize(name, in: directory) }
}
