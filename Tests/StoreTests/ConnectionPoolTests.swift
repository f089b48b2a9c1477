import StreamdTestSupport
import Foundation
import Sessions
import Store
import Testing

/// Waiting for connections: FIFO order, the cap, cancellation, shutdown.
@Suite(.enabled(if: TestDatabase.isConfigured, "STREAMD_TEST_DATABASE_URL is not set: PostgreSQL tests skipped"))
struct ConnectionPoolTests {
    @Test func waitersBeyondTheCapGetPoolExhausted() async throws {
        try await TestDatabase.withDatabase(poolSize: 1) { _, name in
            let conninfo = try #require(TestDatabase.conninfo)
            let pool = ConnectionPool(conninfo: conninfo, overrides: ["dbname": name], size: 1, maxWaiters: 1)
            // The only connection is held until the test lets go, whatever the machine's load.
            let busy = try await HeldConnection.hold(pool)
            let waiting = Task { try await pool.withConnection(statement: "waiting") { _, _ in 2 } }
            try await Eventually.until("one waiter", timeout: .seconds(20), interval: .milliseconds(10)) { pool.waiterCount == 1 }
            await #expect(throws: StoreError.poolExhausted(waiting: 1)) {
                try await pool.withConnection(statement: "refused") { _, _ in 3 }
            }
            busy.release()
            #expect(try await busy.task.value == 1)
            #expect(try await waiting.value == 2)
            await pool.shutdown()
            await #expect(throws: StoreError.poolClosed) {
                try await pool.withConnection(statement: "closed") { _, _ in 4 }
            }
        }
    }

    @Test func waitersGetTheConnectionInArrivalOrder() async throws {
        try await TestDatabase.withDatabase(poolSize: 1) { pool, _ in
            let order = Order()
            // The only connection is held until the test lets go, whatever the machine's load.
            let busy = try await HeldConnection.hold(pool)
            var waiters: [Task<Void, any Error>] = []
            for index in 0..<5 {
                waiters.append(Task {
                    try await pool.withConnection(statement: "waiter") { _, _ in order.append(index) }
                })
                // Each waiter is queued before the next one arrives.
                try await Eventually.until("\(index + 1) waiters", timeout: .seconds(20), interval: .milliseconds(10)) {
                    pool.waiterCount == index + 1
                }
            }
            busy.release()
            _ = try await busy.task.value
            for waiter in waiters { try await waiter.value }
            #expect(order.values == [0, 1, 2, 3, 4])
        }
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        try await TestDatabase.withDatabase(poolSize: 1) { pool, _ in
            // The only connection is held until the test lets go, whatever the machine's load.
            let busy = try await HeldConnection.hold(pool)
            let cancelled = Task { try await pool.withConnection(statement: "cancelled") { _, _ in 1 } }
            try await Eventually.until("the waiter to queue", timeout: .seconds(20), interval: .milliseconds(10)) { pool.waiterCount == 1 }
            cancelled.cancel()
            await #expect(throws: CancellationError.self) { try await cancelled.value }
            #expect(pool.waiterCount == 0)
            busy.release()
            _ = try await busy.task.value
            // The connection went back to the pool, not to the cancelled caller.
            #expect(try await pool.withConnection(statement: "after") { _, _ in 2 } == 2)
        }
    }
}

/// Records completion order across tasks.
final class Order: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Int] = []

    var values: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func append(_ value: Int) {
        lock.lock()
        defer { lock.unlock() }
        recorded.append(value)
    }
}
