/// The result of `operation`, or `fallback` when it takes longer than `timeout`. The operation is
/// not awaited past the deadline: a libpq call blocked in connect cannot be interrupted, so it
/// finishes in the background on its connection's queue (bounded by connect_timeout).
func firstResult<T: Sendable>(
    within timeout: Duration, otherwise fallback: T, _ operation: @escaping @Sendable () async -> T
) async -> T {
    let resumed = Locked(false)
    return await withCheckedContinuation { continuation in
        @Sendable func finish(_ value: T) {
            let first = resumed.withLock { done in
                defer { done = true }
                return !done
            }
            if first { continuation.resume(returning: value) }
        }
        let timer = Task {
            do {
                try await Task.sleep(for: timeout)
                finish(fallback)
            } catch {
                // Cancelled because the operation answered first: nothing to report.
            }
        }
        Task {
            finish(await operation())
            timer.cancel()
        }
    }
}
