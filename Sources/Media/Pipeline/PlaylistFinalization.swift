import Foundation
import Logging

/// Every ended recording has a playlist with ENDLIST listing only decodable segments. After a
/// failure (or a trailer that did not land) the recovery pass guarantees it.
enum PlaylistFinalization {
    /// Makes sure `directory`'s playlist is ended; returns `stats` corrected by the recovery
    /// pass when one ran, and turns `outcome` into a failure when even that is impossible.
    static func ensureEnded(directory: URL, outcome: inout PipelineOutcome, stats: PipelineStats,
                            logger: Logger) -> PipelineStats {
        var failed = false
        if case .failed = outcome { failed = true }
        var needsRecovery = failed
        if !needsRecovery {
            do {
                needsRecovery = try PlaylistFile.read(in: directory)?.hasEndList != true
            } catch {
                needsRecovery = true
            }
        }
        guard needsRecovery else { return stats }
        do {
            // After a failure any segment of this session may be cut short: check them all.
            let recovered = try finalizeRetrying(directory: directory, verifyEverySegment: failed, logger: logger)
            var merged = stats
            merged.segmentCount = recovered.segmentCount
            merged.mediaDurationSec = recovered.mediaDurationSec
            merged.bytes = recovered.bytes
            return merged
        } catch {
            logger.critical("cannot finalize the playlist", metadata: ["error": "\(error)"])
            if case .failed(let reason) = outcome {
                outcome = .failed(reason: "\(reason); the playlist could not be finalized either: \(error)")
            } else {
                outcome = .failed(reason: "the playlist could not be finalized: \(error)")
            }
            return stats
        }
    }

    /// How long a finalization that fails (EMFILE while connections flood in, a disk that is full for a
    /// moment) is retried: the playlist gets its ENDLIST as soon as the system lets it be written.
    static let retrySeconds = 60.0

    private static func finalizeRetrying(directory: URL, verifyEverySegment: Bool, logger: Logger) throws -> PipelineStats {
        let deadline = MonotonicClock.nanoseconds() + UInt64(retrySeconds * 1e9)
        var pause = 0.1
        var attempts = 0
        while true {
            do {
                let stats = try PlaylistRecovery.finalize(directory: directory, verifyEverySegment: verifyEverySegment, logger: logger)
                if attempts > 0 { logger.notice("finalized the playlist after retrying", metadata: ["attempts": "\(attempts + 1)"]) }
                return stats
            } catch {
                attempts += 1
                guard MonotonicClock.nanoseconds() < deadline else { throw error }
                if attempts == 1 { logger.warning("cannot finalize the playlist yet; retrying", metadata: ["error": "\(error)"]) }
                // This is the recording's own thread: waiting here holds nothing else up.
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 5)
            }
        }
    }
}
