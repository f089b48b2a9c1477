import Hummingbird

/// Blocking playlist reload (RFC 8216bis §6.2.5.2): `?_HLS_msn=N` on a live playlist holds the request
/// until the playlist lists segment N, woken by the writer's change signal, at most three target
/// durations, then answers the playlist as it is. `_HLS_part` is accepted and ignored (there are no
/// partial segments: a whole segment is a superset of any of its parts).
struct BlockingReload {
    let mediaSequence: Int

    /// nil without delivery directives; 400 for malformed ones.
    init?(_ query: Parameters) throws(APIError) {
        let msn = query.get("_HLS_msn"), part = query.get("_HLS_part")
        guard let msn else {
            if part != nil { throw Self.badRequest("_HLS_part needs _HLS_msn.") }
            return nil
        }
        guard let value = Self.number(msn) else { throw Self.badRequest("_HLS_msn must be a media sequence number (a non-negative integer).") }
        if let part, Self.number(part) == nil { throw Self.badRequest("_HLS_part must be a part index (a non-negative integer).") }
        mediaSequence = value
    }

    func hold(_ file: ServedFile, until resolve: () async throws -> ServedFile) async throws -> ServedFile {
        // More than two segments ahead of the playlist is a client error, not something to wait for.
        guard mediaSequence <= file.lastMediaSequence + 2 else {
            throw Self.badRequest("_HLS_msn \(mediaSequence) is more than two segments past the last one listed (\(file.lastMediaSequence)).")
        }
        let deadline = ContinuousClock.now + .seconds(3 * file.targetDuration)
        var file = file
        while file.isLivePlaylist, file.lastMediaSequence < mediaSequence, let changes = file.changes {
            let remaining = deadline - .now
            guard remaining > .zero else { break }
            await changes.wait(past: file.checkedAt, timeout: remaining)
            file = try await resolve()
        }
        return file
    }

    private static func number(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int(text)
    }

    private static func badRequest(_ message: String) -> APIError {
        APIError.badRequest("bad_reload_request", message)
    }
}
