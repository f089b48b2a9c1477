import Dispatch
import Synchronization
import Logging

/// A fixed number of PostgreSQL connections, each on its own serial queue, so libpq's blocking
/// calls never run on the Swift cooperative pool or an event loop. Connections open lazily and are
/// replaced after they break. Callers wait FIFO for a free connection, at most `maxWaiters` of them.
public final class ConnectionPool: Sendable {
    public let size: Int
    public let maxWaiters: Int
    private let logger: Logger
    private let state: Mutex<State>

    private struct Waiter: Sendable {
        let id: UInt64
        let continuation: CheckedContinuation<PooledConnection, any Error>
    }

    private struct State: Sendable {
        var idle: [PooledConnection]
        var all: [PooledConnection]
        var waiters: [Waiter] = []
        var nextWaiterId: UInt64 = 0
        var closed = false
    }

    /// - Parameters:
    ///   - conninfo: libpq key=value string or URI (`STREAMD_DATABASE_URL`).
    ///   - overrides: connection keywords that win over `conninfo`, e.g. `["dbname": "other"]`.
    ///   - size: number of connections (at least 1).
    ///   - maxWaiters: callers allowed to queue for a busy pool before `.poolExhausted`.
    public init(
        conninfo: String, overrides: [String: String] = [:], size: Int = 4, maxWaiters: Int = 1024,
        logger: Logger = Logger(label: "streamd.store")
    ) {
        self.size = max(1, size)
        self.maxWaiters = max(0, maxWaiters)
        self.logger = logger
        let slots = (0..<self.size).map {
            PooledConnection(index: $0, conninfo: conninfo, overrides: overrides, logger: logger)
        }
        state = Mutex(State(idle: slots, all: slots))
    }

    /// Callers queued for a connection right now (tests wait on it instead of sleeping).
    public var waiterCount: Int { state.withLock { $0.waiters.count } }

    /// Runs `body` on a pooled connection, on that connection's queue. `statement` names the work
    /// in logs. With `retryOnConnectionLoss`, a body that failed because the connection dropped
    /// runs once more on a fresh connection (`attempt` 2): use it only for idempotent work.
    public func withConnection<T: Sendable>(
        statement: String, retryOnConnectionLoss: Bool = true,
        _ body: @escaping @Sendable (PGConnection, _ attempt: Int) throws -> T
    ) async throws -> T {
        let slot = try await acquire()
        defer { release(slot) }
        return try await withCheckedThrowingContinuation { continuation in
            slot.queue.async {
                continuation.resume(with: slot.run(statement: statement, retry: retryOnConnectionLoss, body))
            }
        }
    }

    /// Fails every waiting caller, refuses new ones and closes idle connections. Connections in
    /// use finish their current work first (their queue is serial).
    public func shutdown() async {
        let (waiters, slots) = state.withLock { state in
            state.closed = true
            defer { state.waiters.removeAll() }
            return (state.waiters, state.all)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: StoreError.poolClosed)
        }
        for slot in slots {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                slot.queue.async {
                    slot.disconnect()
                    continuation.resume()
                }
            }
        }
    }

    private func acquire() async throws -> PooledConnection {
        let id = state.withLock { state in
            state.nextWaiterId += 1
            return state.nextWaiterId
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let outcome: Result<PooledConnection, any Error>? = state.withLock { state in
                    if state.closed { return .failure(StoreError.poolClosed) }
                    if let slot = state.idle.popLast() { return .success(slot) }
                    // Checked under the lock so a cancellation racing with the enqueue is never lost.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    guard state.waiters.count < maxWaiters else {
                        return .failure(StoreError.poolExhausted(waiting: state.waiters.count))
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let outcome {
                    continuation.resume(with: outcome)
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func release(_ slot: PooledConnection) {
        let next = state.withLock { state -> Waiter? in
            guard !state.waiters.isEmpty else {
                state.idle.append(slot)
                return nil
            }
            return state.waiters.removeFirst()
        }
        // Handed straight to the longest waiter, so a burst of new callers cannot overtake it.
        next?.continuation.resume(returning: slot)
    }
}
