import Glibc
import NIOCore
import Recorder
import Sessions
import _NIOFileSystem

/// The files of `recordings/<id>/` as served over HTTP, shared by the router's file route and the fast
/// path in front of it. A file is resolved (names checked, `lstat`, one link, real path inside the
/// recordings directory), read once and kept with its headers; afterwards it is served from memory
/// without touching the disk while the writer's change signal for its recording is unchanged and its
/// last check on disk is younger than `staleness` (the bound for files changed by anything but streamd).
final class RecordingFiles: Sendable {
    let recordingsPath: String
    /// The recordings directory with symlinks resolved once (nil until it exists, then resolved per lookup).
    let realRoot: String?
    /// Behind a read token: shared caches must not keep what only token holders may see.
    let isPrivate: Bool
    let changes: RecordingChanges
    let cache: RecordingFileCache
    let staleness: UInt64

    init(recordingsPath: String, isPrivate: Bool, changes: RecordingChanges, cache: RecordingFileCache = RecordingFileCache(),
         staleness: Duration = .seconds(1)) {
        self.recordingsPath = recordingsPath.hasSuffix("/") ? String(recordingsPath.dropLast()) : recordingsPath
        self.isPrivate = isPrivate
        self.changes = changes
        self.cache = cache
        let parts = staleness.components
        self.staleness = UInt64(parts.seconds) * 1_000_000_000 + UInt64(parts.attoseconds / 1_000_000_000)
        realRoot = Self.realPath(self.recordingsPath)
    }

    static func key(_ sessionId: some StringProtocol, _ name: some StringProtocol) -> String { "\(sessionId)/\(name)" }

    /// The cached file when it may be served without looking at the disk; nil sends the request the slow way.
    func fresh(key: String) -> ServedFile? {
        guard let file = cache.lookup(key), file.isFresh(staleness: staleness) else { return nil }
        return file
    }

    /// Names are checked before touching the disk; the file must then be a regular file (not a symlink)
    /// with one link (a hard link placed in the directory could name any file of the volume) whose real
    /// path is inside the recordings directory. Every refusal is `nil`: the route answers 404 (the seam
    /// for "not on this disk").
    func file(sessionId: String, name requested: String) async throws -> ServedFile? {
        guard SessionID.isValid(sessionId) || sessionId.isSafeFileName, requested.isSafeFileName,
              let ext = requested.split(separator: ".").last, let mediaType = RecordingLayout.mediaTypesByExtension[String(ext)]
        else { return nil }
        let key = Self.key(sessionId, requested)
        // Read before the disk is looked at: a change signalled in between makes what is stored stale at once.
        // (Counters are made only for files that exist, so unknown names cannot grow the table.)
        let generation = changes.existingCounter(for: sessionId)?.generation ?? 0
        let isLiveWindow = requested == RecordingLayout.livePlaylistFileName
        let name = isLiveWindow ? RecordingLayout.playlistFileName : requested
        let path = "\(recordingsPath)/\(sessionId)/\(name)"
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_nlink == 1,
              let real = Self.realPath(path), let root = realRoot ?? Self.realPath(recordingsPath),
              real == "\(root)/\(sessionId)/\(name)"
        else {
            cache.remove(key)
            return nil
        }
        let size = Int(info.st_size)
        let counter = changes.counter(for: sessionId)
        if let cached = cache.lookup(key), cached.sameVersion(size: size, modified: info.st_mtim) {
            cached.confirm(generation: generation)
            return cached
        }
        let isPlaylist = ext == "m3u8"
        let scope = isPrivate ? "private" : "public"
        // Thumbnail sheets and their track (`thumbnails-<n>.jpg`, `thumbnails.vtt`) are rewritten while the
        // session records: revalidated, never immutable.
        let fileCacheControl = name.hasPrefix("thumbnails")
            ? "\(isPrivate ? "private, " : "")no-cache" : "\(scope), max-age=31536000, immutable"
        guard isPlaylist || cache.accepts(size: size) else {
            return ServedFile(realPath: real, mediaType: mediaType, size: size, modified: info.st_mtim, body: nil, bodySize: size,
                              variant: "", isPlaylist: false, isLivePlaylist: false, lastMediaSequence: 0, targetDuration: 0,
                              cacheControl: fileCacheControl, changes: nil, generation: 0)
        }
        let bytes = try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(real)) { handle in
            try await handle.readToEnd(maximumSizeAllowed: .bytes(Int64(max(size, cache.maximumEntryBytes))))
        }
        // A file that changed between stat and read is served as read, but not kept.
        let complete = bytes.readableBytes == size
        let file: ServedFile
        if isPlaylist {
            let text = String(buffer: bytes)
            let playlist = LivePlaylist.Variant(text, window: isLiveWindow)
            file = ServedFile(realPath: real, mediaType: mediaType, size: size, modified: info.st_mtim, body: ByteBuffer(string: playlist.text),
                              bodySize: playlist.text.utf8.count, variant: playlist.etagSuffix, isPlaylist: true,
                              isLivePlaylist: playlist.isLive, lastMediaSequence: playlist.lastMediaSequence,
                              targetDuration: playlist.targetDuration,
                              cacheControl: playlist.isLive ? "\(isPrivate ? "private, " : "")no-cache" : "\(scope), max-age=86400",
                              changes: counter, generation: generation)
        } else {
            file = ServedFile(realPath: real, mediaType: mediaType, size: size, modified: info.st_mtim, body: bytes, bodySize: bytes.readableBytes,
                              variant: "", isPlaylist: false, isLivePlaylist: false, lastMediaSequence: 0, targetDuration: 0,
                              cacheControl: fileCacheControl, changes: counter, generation: generation)
        }
        if complete { cache.store(file, key: key) }
        return file
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension String {
    /// One path component of letters, digits, `_`, `-`, `.`; no leading dot; at most 128 bytes.
    var isSafeFileName: Bool { utf8.isSafeFileName }
}

extension Collection<UInt8> {
    var isSafeFileName: Bool {
        guard let first, first != UInt8(ascii: "."), count <= 128 else { return false }
        return allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }
}
