import Logging
import Synchronization

/// Rate-limits identical warnings and errors (same label, level and message): the first is written, the
/// repeats within `interval` are only counted, and once the interval is over one line reports the count.
/// A database that is down for an hour then costs a few hundred lines, not one per retry.
///
/// Shared by every handler of the process and called from any thread, hence the `Mutex`. The table is
/// capped: a message beyond the cap is written unlimited rather than remembered.
final class RepeatLimiter: Sendable {
    struct Key: Hashable, Sendable {
        let label: String
        let level: Logger.Level
        let message: String
    }

    /// "This message was suppressed `count` times": written once its window is over.
    struct Summary: Sendable, Equatable {
        let label: String
        let level: Logger.Level
        let message: String
        let count: Int
    }

    struct Verdict: Sendable {
        /// Write the event itself.
        let emit: Bool
        /// Counts of repeats to report before it.
        let summaries: [Summary]
    }

    private struct Window {
        var start: ContinuousClock.Instant
        var suppressed: Int
    }

    private struct State {
        var windows: [Key: Window] = [:]
        /// The earliest moment a window may be over: until then nothing needs sweeping.
        var nextSweep: ContinuousClock.Instant?
    }

    let interval: Duration
    let capacity: Int
    private let state = Mutex(State())

    init(interval: Duration, capacity: Int = 512) {
        self.interval = interval
        self.capacity = capacity
    }

    func admit(label: String, level: Logger.Level, message: String, now: ContinuousClock.Instant = .now) -> Verdict {
        let limited = level >= .warning && interval > .zero
        return state.withLock { state in
            // The sweep runs first, so every window still in the table is inside its interval.
            let summaries = sweep(&state, now: now)
            guard limited else { return Verdict(emit: true, summaries: summaries) }
            let key = Key(label: label, level: level, message: message)
            if state.windows[key] != nil {
                state.windows[key]?.suppressed += 1
                return Verdict(emit: false, summaries: summaries)
            }
            if state.windows.count < capacity {
                state.windows[key] = Window(start: now, suppressed: 0)
                let end = now + interval
                if state.nextSweep.map({ end < $0 }) ?? true { state.nextSweep = end }
            }
            return Verdict(emit: true, summaries: summaries)
        }
    }

    /// Reports windows that are over with repeats in them and forgets windows that are over, so the table
    /// holds only messages seen within the last interval.
    private func sweep(_ state: inout State, now: ContinuousClock.Instant) -> [Summary] {
        guard let due = state.nextSweep, now >= due else { return [] }
        var summaries: [Summary] = []
        var next: ContinuousClock.Instant?
        for (key, window) in state.windows {
            let end = window.start + interval
            if now >= end {
                if window.suppressed > 0 {
                    summaries.append(Summary(label: key.label, level: key.level, message: key.message, count: window.suppressed))
                }
                state.windows[key] = nil
            } else if next.map({ end < $0 }) ?? true {
                next = end
            }
        }
        state.nextSweep = next
        return summaries
    }
}
