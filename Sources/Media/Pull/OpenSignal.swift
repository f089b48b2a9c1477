import Synchronization

/// The result of opening a pull's source, handed from the pull's thread to those awaiting it.
final class OpenSignal: Sendable {
    private struct State {
        var result: Result<PullSourceInfo, PullError>?
        var waiters: [CheckedContinuation<PullSourceInfo, Error>] = []
    }

    private let state = Mutex(State())

    func resolve(_ result: Result<PullSourceInfo, PullError>) {
        let waiters = state.withLock { state -> [CheckedContinuation<PullSourceInfo, Error>] in
            guard state.result == nil else { return [] }
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result.mapError { $0 as Error }) }
    }

    func wait() async throws -> PullSourceInfo {
        try await withCheckedThrowingContinuation { continuation in
            let known = state.withLock { state -> Result<PullSourceInfo, PullError>? in
                if let result = state.result { return result }
                state.waiters.append(continuation)
                return nil
            }
            if let known { continuation.resume(with: known.mapError { $0 as Error }) }
        }
    }
}
