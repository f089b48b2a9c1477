import Foundation
import Logging

/// Finalizes a recording directory that was not ended cleanly (a crash, a failed trailer, a full
/// disk): afterwards the playlist ends with `#EXT-X-ENDLIST` and lists only segments that exist
/// and are whole.
public enum PlaylistRecovery {
    /// Target duration of the empty playlist written when there are no segments.
    static let emptyTargetDuration = 2

    /// - A playlist already ending with ENDLIST is left as it is (so this is idempotent).
    /// - Otherwise listed segments missing on disk are dropped, the last segment is dropped (and
    ///   deleted) when it does not decode cleanly (torn by the crash), ENDLIST is appended and the
    ///   playlist replaced atomically. Leftover temporary files of the muxer are removed.
    /// - No playlist, or one that is not a playlist (a full disk can leave it empty): it is
    ///   rebuilt from the `seg_*` files on disk, or written empty (an EVENT playlist with ENDLIST).
    /// Returns the totals of what the playlist lists: media duration (sum of EXTINF), segment
    /// count and bytes on disk (segments and the fMP4 init segment).
    @discardableResult
    public static func finalize(directory: URL, logger: Logger? = nil) throws -> PipelineStats {
        try finalize(directory: directory, verifyEverySegment: false, logger: logger)
    }

    /// `verifyEverySegment` also scans every listed segment, even in a playlist with ENDLIST: after
    /// a write failure any segment of the session may have been cut short.
    static func finalize(directory: URL, verifyEverySegment: Bool, logger: Logger?) throws -> PipelineStats {
        try FileSystem.makeDirectory(directory)
        let playlist: PlaylistFile
        switch readPlaylist(in: directory, logger: logger) {
        case .found(let existing):
            playlist = try repair(existing, in: directory, verifyEverySegment: verifyEverySegment, logger: logger)
        case .missing, .unusable:
            removeTemporaryFiles(in: directory, logger: logger)
            playlist = try PlaylistRebuilder.rebuild(in: directory, logger: logger)
            try AtomicFile.write(Data(playlist.text.utf8), to: directory.appendingPathComponent(PlaylistFile.fileName))
            logger?.notice("wrote a new finalized playlist", metadata: [
                "directory": "\(directory.path)", "segments": "\(playlist.segments.count)"])
        case .unreadable(let error):
            throw error
        }
        ThumbnailTrackRecovery.finalize(directory: directory, mediaDuration: playlist.mediaDuration, logger: logger)
        var bytes: Int64 = playlist.segments.reduce(0) { $0 + FileSystem.fileSize($1.uri, in: directory) }
        if let initURI = playlist.initSegmentURI { bytes += FileSystem.fileSize(initURI, in: directory) }
        return PipelineStats(mediaDurationSec: playlist.mediaDuration, segmentCount: playlist.segments.count, bytes: bytes)
    }

    private enum ReadOutcome {
        case found(PlaylistFile)
        case missing
        /// Not a playlist (empty or garbage): rebuilt from the segments.
        case unusable
        /// An I/O error: rewriting it blindly could lose what it lists.
        case unreadable(Error)
    }

    private static func readPlaylist(in directory: URL, logger: Logger?) -> ReadOutcome {
        do {
            guard let playlist = try PlaylistFile.read(in: directory) else { return .missing }
            return .found(playlist)
        } catch MediaError.malformedPlaylist(let path, let reason) {
            logger?.warning("rebuilding an unusable playlist from the segments on disk", metadata: [
                "path": "\(path)", "reason": "\(reason)"])
            return .unusable
        } catch {
            return .unreadable(error)
        }
    }

    private static func repair(_ existing: PlaylistFile, in directory: URL, verifyEverySegment: Bool,
                               logger: Logger?) throws -> PlaylistFile {
        if existing.hasEndList, !verifyEverySegment { return existing }
        removeTemporaryFiles(in: directory, logger: logger)
        let initSegment = existing.initSegmentURI
        var kept: [PlaylistFile.Segment] = []
        var afterGap = false
        for (index, segment) in existing.segments.enumerated() {
            let last = index == existing.segments.count - 1
            let nearEnd = index >= existing.segments.count - SegmentCheck.decodedTail
            let intact: Bool
            if !exists(segment.uri, in: directory) {
                intact = false
            } else if (last && !existing.hasEndList) || (nearEnd && verifyEverySegment) {
                intact = SegmentCheck.intactReport(segment.uri, in: directory, initSegment: initSegment,
                                                   expectedSeconds: segment.duration, decode: true) != nil
            } else if verifyEverySegment {
                intact = SegmentCheck.intactReport(segment.uri, in: directory, initSegment: initSegment,
                                                   expectedSeconds: segment.duration, decode: false) != nil
            } else {
                intact = true
            }
            guard intact else {
                if exists(segment.uri, in: directory) {
                    // Torn: useless to a player, and the space may be what the disk lacks now.
                    logger?.warning("removing a torn segment", metadata: ["file": "\(directory.appendingPathComponent(segment.uri).path)"])
                    unlink(directory.appendingPathComponent(segment.uri).path)
                }
                afterGap = !kept.isEmpty
                continue
            }
            var segment = segment
            if afterGap, !segment.tags.contains("#EXT-X-DISCONTINUITY") { segment.tags.insert("#EXT-X-DISCONTINUITY", at: 0) }
            afterGap = false
            kept.append(segment)
        }
        let unchanged = kept.count == existing.segments.count
        if unchanged, existing.hasEndList { return existing }
        var playlist = existing
        playlist.segments = kept
        playlist.hasEndList = true
        try write(playlist, in: directory, onlyEndListAdded: unchanged)
        logger?.notice("finalized an unfinished playlist", metadata: [
            "directory": "\(directory.path)",
            "segments_listed": "\(existing.segments.count)", "segments_kept": "\(kept.count)",
        ])
        return playlist
    }

    /// Replaces the playlist atomically. When that fails (a full disk has no room for the
    /// temporary copy) and the only change is ENDLIST, appending it in place needs a few bytes.
    private static func write(_ playlist: PlaylistFile, in directory: URL, onlyEndListAdded: Bool) throws {
        let url = directory.appendingPathComponent(PlaylistFile.fileName)
        do {
            try AtomicFile.write(Data(playlist.text.utf8), to: url)
        } catch {
            guard onlyEndListAdded else { throw error }
            try AtomicFile.append(Data("#EXT-X-ENDLIST\n".utf8), to: url, startingOnNewLine: true)
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
