import Glibc
import HTTPTypes
import NIOCore
import Recorder
import Synchronization

/// One version of one recording file as it is served, with everything a response needs made once:
/// the body (for live playlists, the live variant), the validators and the shared headers.
/// Instances are immutable apart from their validation stamp; the cache replaces them when the file changes.
final class ServedFile: Sendable {
    let realPath: String
    let size: Int
    let modified: timespec
    /// The served bytes; nil for a file too large to keep (then streamed from disk).
    let body: ByteBuffer?
    let bodySize: Int
    let etag: String
    let lastModified: String
    let lastModifiedSeconds: Int
    let isPlaylist: Bool
    /// A playlist without ENDLIST: still changing.
    let isLivePlaylist: Bool
    /// Whether a `Range` is honoured. A live playlist is answered whole (`Accept-Ranges: none`; RFC
    /// 9110 §14.2 lets a server ignore Range): it changes with every segment, and a player that joins
    /// a byte range of the new version to what it kept of the old one reads a playlist nobody wrote.
    let acceptsRanges: Bool
    /// Media sequence number of the last listed segment (playlists), for blocking reloads.
    let lastMediaSequence: Int
    let targetDuration: Int
    /// `Content-Type`, `Accept-Ranges`, `Cache-Control`, `ETag`, `Last-Modified`.
    let headers: HTTPFields
    /// What a 304 repeats of them.
    let notModifiedHeaders: HTTPFields
    /// The same answers as HTTP/1.1 bytes, for the fast path (`RecordingFastPath`).
    let wire: Wire

    /// Status line and headers up to, not including, `Date`, `Server` and the blank line.
    struct Wire: Sendable {
        /// 200 with `Content-Length`.
        let whole: [UInt8]
        /// 206 without `Content-Length` and `Content-Range`, which depend on the range.
        let partial: [UInt8]
        let notModified: [UInt8]
    }

    /// Generation of the recording's change counter when the file was last checked on disk, and when.
    private let checkedGeneration: Atomic<UInt64>
    private let checkedAtNanos: Atomic<UInt64>
    let changes: RecordingChanges.Counter?

    init(realPath: String, mediaType: String, size: Int, modified: timespec, body: ByteBuffer?, bodySize: Int, variant: String,
         isPlaylist: Bool, isLivePlaylist: Bool, lastMediaSequence: Int, targetDuration: Int, cacheControl: String,
         changes: RecordingChanges.Counter?, generation: UInt64) {
        self.realPath = realPath
        self.size = size
        self.modified = modified
        self.body = body
        self.bodySize = bodySize
        self.isPlaylist = isPlaylist
        self.isLivePlaylist = isLivePlaylist
        let acceptsRanges = !isLivePlaylist
        self.acceptsRanges = acceptsRanges
        self.lastMediaSequence = lastMediaSequence
        self.targetDuration = targetDuration
        // Like nginx's: modification time and size, so it changes with every rewrite of a playlist; the
        // nanoseconds tell apart two versions of the same size written within one second.
        etag = "\"\(String(modified.tv_sec, radix: 16))-\(String(modified.tv_nsec, radix: 16))-\(String(size, radix: 16))\(variant)\""
        lastModifiedSeconds = modified.tv_sec
        lastModified = HTTPDate.format(modified.tv_sec)
        let ranges = acceptsRanges ? "bytes" : "none"
        headers = [
            .contentType: mediaType, .acceptRanges: ranges, .cacheControl: cacheControl, .eTag: etag, .lastModified: lastModified,
        ]
        notModifiedHeaders = [.cacheControl: cacheControl, .eTag: etag, .lastModified: lastModified]
        let validators = "Cache-Control: \(cacheControl)\r\nETag: \(etag)\r\nLast-Modified: \(lastModified)\r\n"
        let common = "Content-Type: \(mediaType)\r\nAccept-Ranges: \(ranges)\r\n" + validators
        wire = Wire(whole: Array("HTTP/1.1 200 OK\r\n\(common)Content-Length: \(bodySize)\r\n".utf8),
                    partial: Array("HTTP/1.1 206 Partial Content\r\n\(common)".utf8),
                    notModified: Array("HTTP/1.1 304 Not Modified\r\n\(validators)".utf8))
        self.changes = changes
        checkedGeneration = Atomic(generation)
        checkedAtNanos = Atomic(Self.monotonicNanos())
    }

    /// Checked on disk within `staleness`, and nothing changed since by the writer's signal.
    func isFresh(staleness: UInt64) -> Bool {
        guard let changes, changes.generation == checkedGeneration.load(ordering: .relaxed) else { return false }
        return Self.monotonicNanos() &- checkedAtNanos.load(ordering: .relaxed) < staleness
    }

    /// The change generation this version was last found current at: a wait for the next change starts here.
    var checkedAt: UInt64 { checkedGeneration.load(ordering: .relaxed) }

    /// The file was found unchanged on disk (same mtime and size) at `generation`.
    func confirm(generation: UInt64) {
        checkedGeneration.store(generation, ordering: .relaxed)
        checkedAtNanos.store(Self.monotonicNanos(), ordering: .relaxed)
    }

    func sameVersion(size: Int, modified: timespec) -> Bool {
        self.size == size && self.modified.tv_sec == modified.tv_sec && self.modified.tv_nsec == modified.tv_nsec
    }

    static func monotonicNanos() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
