import Foundation
import Logging

/// Finalizes a recording directory that was not ended cleanly (a crash, a failed trailer): the
/// playlist gets `#EXT-X-ENDLIST`, and lists only segments that exist and decode.
public enum PlaylistRecovery {
    /// Target duration of the empty playlist written when there is none.
    static let emptyTargetDuration = 2

    /// - A playlist already ending with ENDLIST is left as it is (so this is idempotent).
    /// - Otherwise listed segments missing on disk are dropped, the last segment is dropped when
    ///   it does not decode cleanly (torn by the crash), ENDLIST is appended, and the playlist is
    ///   replaced atomically. Leftover temporary files of the muxer are removed.
    /// - No playlist at all: an empty EVENT playlist with ENDLIST is written.
    /// Returns the totals of what the playlist lists: media duration (sum of EXTINF), segment
    /// count and bytes on disk (segments and the fMP4 init segment).
    @discardableResult
    public static func finalize(directory: URL, logger: Logger? = nil) throws -> PipelineStats {
        try FileSystem.makeDirectory(directory)
        guard var playlist = try PlaylistFile.read(in: directory) else {
            try AtomicFile.write(Data(PlaylistFile.empty(targetDuration: emptyTargetDuration).text.utf8),
                                 to: directory.appendingPathComponent(PlaylistFile.fileName))
            logger?.notice("wrote an empty finalized playlist", metadata: ["directory": "\(directory.path)"])
            return PipelineStats()
        }
        if !playlist.hasEndList {
            removeTemporaryFiles(in: directory, logger: logger)
            let listed = playlist.segments.count
            playlist.segments.removeAll { !exists($0.uri, in: directory) }
            if let last = playlist.segments.last, !decodesCleanly(last, playlist: playlist, in: directory) {
                playlist.segments.removeLast()
            }
            playlist.hasEndList = true
            try AtomicFile.write(Data(playlist.text.utf8), to: directory.appendingPathComponent(PlaylistFile.fileName))
            logger?.notice("finalized an unfinished playlist", metadata: [
                "directory": "\(directory.path)",
                "segments_listed": "\(listed)", "segments_kept": "\(playlist.segments.count)",
            ])
        }
        var bytes: Int64 = playlist.segments.reduce(0) { $0 + FileSystem.fileSize($1.uri, in: directory) }
        if let initURI = playlist.initSegmentURI { bytes += FileSystem.fileSize(initURI, in: directory) }
        return PipelineStats(mediaDurationSec: playlist.mediaDuration, segmentCount: playlist.segments.count, bytes: bytes)
    }

    /// A torn segment has a corrupt or undecodable tail, or covers clearly less time than its EXTINF.
    private static func decodesCleanly(_ segment: PlaylistFile.Segment, playlist: PlaylistFile, in directory: URL) -> Bool {
        let initSegment = playlist.initSegmentURI.map { directory.appendingPathComponent($0) }
        do {
            let report = try MediaProbe.probe(segment: directory.appendingPathComponent(segment.uri), initSegment: initSegment)
            guard report.decodesCleanly else { return false }
            return segment.duration <= 0 || report.decodedSeconds >= segment.duration * 0.9
        } catch {
            return false
        }
    }

    private static func exists(_ name: String, in directory: URL) -> Bool {
        !name.contains("/") && FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
    }

    /// The muxer's `*.tmp` files are never listed; after a crash they are just debris.
    private static func removeTemporaryFiles(in directory: URL, logger: Logger?) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            logger?.warning("cannot list the recording directory to remove temporary files", metadata: [
                "directory": "\(directory.path)", "error": "\(error.localizedDescription)"])
            return
        }
        for name in names where name.hasSuffix(".tmp") {
            unlink(directory.appendingPathComponent(name).path)
        }
    }
}
