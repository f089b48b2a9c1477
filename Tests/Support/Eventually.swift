import Foundation

/// Waiting on a condition with a deadline: poll every `interval` until it holds, instead of sleeping a
/// guessed amount of time. Every test target waits through this one helper.
public enum Eventually {
    public struct TimedOut: Error, CustomStringConvertible {
        public let description: String
    }

    /// Returns the first non-nil value `probe` produces; throws `TimedOut` when the deadline passes first.
    public static func value<T>(_ what: String, timeout: Duration = .seconds(30), interval: Duration = .milliseconds(100),
                                _ probe: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        var lastError: (any Error)?
        while true {
            do {
                if let value = try await probe() { return value }
                lastError = nil
            } catch {
                // Remembered for the failure message: the condition may just not hold yet (daemon starting).
                lastError = error
            }
            guard ContinuousClock.now < deadline else {
                throw TimedOut(description: "timed out after \(timeout) waiting for \(what)" + (lastError.map { "; last error: \($0)" } ?? ""))
            }
            try await Task.sleep(for: interval)
        }
    }

    public static func until(_ what: String, timeout: Duration = .seconds(30), interval: Duration = .milliseconds(100),
                             _ condition: () async throws -> Bool) async throws {
        _ = try await value(what, timeout: timeout, interval: interval) { try await condition() ? true : nil }
    }

    /// Whether `condition` came to hold within `timeout`, for callers that `#expect` on it themselves.
    public static func holds(within timeout: Duration = .seconds(20), interval: Duration = .milliseconds(100),
                             _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            do { try await Task.sleep(for: interval) } catch { break }
        }
        return try await condition()
    }
}
