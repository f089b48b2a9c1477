import Foundation
import Sessions
import Synchronization

/// The media clocks of the sessions detections were posted to lately, so a batch reads only the
/// segments closed since the last one instead of all of them (a day of 2 s segments is 43,200
/// rows). Each use asks the database for the rows after the last `seq` held and for the session's
/// row count; when the count disagrees (a row added in the middle by reconcile, or removed), the
/// clock is rebuilt from every row.
final class MediaClockCache: Sendable {
    private struct Entry {
        var clock: MediaClock
        var used: UInt64
    }

    private let capacity: Int
    private let entries = Mutex<(clocks: [String: Entry], tick: UInt64)>(([:], 0))

    init(capacity: Int = 64) {
        self.capacity = capacity
    }

    func clock(for session: Session, in repository: any SegmentRepository) async throws -> MediaClock {
        let start = SessionManager.firstFrame(of: session)
        let held = entries.withLock { $0.clocks[session.sessionId]?.clock }
        var clock: MediaClock
        if let held {
            let (later, total) = try await repository.segments(sessionId: session.sessionId, afterSeq: held.lastSeq ?? -1)
            clock = held
            clock.extend(with: later)
            if clock.segmentCount != total {
                clock = MediaClock(segments: try await repository.segments(sessionId: session.sessionId), sessionStart: start)
            }
        } else {
            clock = MediaClock(segments: try await repository.segments(sessionId: session.sessionId), sessionStart: start)
        }
        // Without segments the clock follows the session's first frame, which may still change.
        guard clock.segmentCount > 0 else { return clock }
        let kept = clock
        entries.withLock { state in
            state.tick += 1
            state.clocks[session.sessionId] = Entry(clock: kept, used: state.tick)
            if state.clocks.count > capacity, let oldest = state.clocks.min(by: { $0.value.used < $1.value.used })?.key {
                state.clocks[oldest] = nil
            }
        }
        return clock
    }

    /// The sessions whose clocks are held, sorted.
    var heldSessions: [String] {
        entries.withLock { $0.clocks.keys.sorted() }
    }

    /// A deleted session's clock goes with it.
    func forget(_ sessionId: String) {
        entries.withLock { _ = $0.clocks.removeValue(forKey: sessionId) }
    }
}
