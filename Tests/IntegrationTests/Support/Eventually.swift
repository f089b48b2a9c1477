import Foundation

/// Waiting on a condition with a deadline: poll every `interval` until it holds, instead of sleeping a
/// guessed amount of time.
enum Eventually {
    /// Returns the first non-nil value `probe` produces; throws when the deadline passes first.
    static func value<T>(_ what: String, timeout: Duration = .seconds(30), interval: Duration = .milliseconds(100),
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
                throw ServiceTestFailure("timed out after \(timeout) waiting for \(what)" + (lastError.map { "; last error: \($0)" } ?? ""))
            }
            try await Task.sleep(for: interval)
        }
    }

    static func until(_ what: String, timeout: Duration = .seconds(30), interval: Duration = .milliseconds(100),
                      _ condition: () async throws -> Bool) async throws {
        _ = try await value(what, timeout: timeout, interval: interval) { try await condition() ? true : nil }
    }
}
