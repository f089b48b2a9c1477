import NIOConcurrencyHelpers

/// The outcome of the server's bind, for callers that wait for it (tests with port 0).
final class BindingState: Sendable {
    private enum State {
        case pending([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(any Error)
    }

    private let state = NIOLockedValueBox(State.pending([]))

    var port: Int? {
        state.withLockedValue { if case .bound(let port) = $0 { return port } else { return nil } }
    }

    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = state.withLockedValue { state in
                switch state {
                case .pending(var waiters):
                    waiters.append(continuation)
                    state = .pending(waiters)
                    return nil
                case .bound(let port): return .success(port)
                case .failed(let error): return .failure(error)
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    func succeed(_ port: Int) { settle(.bound(port), .success(port)) }

    func fail(_ error: any Error) { settle(.failed(error), .failure(error)) }

    private func settle(_ final: State, _ result: Result<Int, any Error>) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Int, any Error>] in
            guard case .pending(let waiters) = state else { return [] }
            state = final
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
