import Synchronization

/// The result of `operation`, or `fallback` when it takes longer than `timeout`. The operation is
/// not awaited past the deadline: a libpq call blocked in connect cannot be interrupted, so it
/// finishes in the background on its connection's queue (bounded by connect_timeout).
func firstResult<T: Sendable>(
    within timeout: Duration, otherwise fallback: T, _ operation: @escaping @Sendable () async -> T
) async -> T {
    let resumed = ResumeOnce()
    return await withCheckedContinuation { continuation in
        @Sendable func finish(_ value: T) {
            if resumed.claim() { continuation.resume(returning: value) }
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

/// True for the first caller of `claim()` only: a continuation must be resumed exactly once.
private final class ResumeOnce: Sendable {
    private let done = Atomic<Bool>(false)

    func claim() -> Bool {
        done.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
