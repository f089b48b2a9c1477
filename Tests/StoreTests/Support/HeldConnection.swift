import Foundation
import Sessions
import Store
import StreamdTestSupport

/// Takes one connection of a pool and keeps it, blocked on its own queue, until `release()`:
/// tests of waiting callers then do not race a timed hold against a loaded machine.
struct HeldConnection {
    struct NeverAcquired: Error, CustomStringConvertible {
        var description: String { "the holder never got a connection within 20 s" }
    }

    /// Ends with 1 once released.
    let task: Task<Int, any Error>
    private let gate: DispatchSemaphore

    /// Returns once the connection is held.
    static func hold(_ pool: ConnectionPool) async throws -> HeldConnection {
        let acquired = DispatchSemaphore(value: 0), gate = DispatchSemaphore(value: 0)
        let task = Task {
            try await pool.withConnection(statement: "hold") { _, _ in
                acquired.signal()
                gate.wait()
                return 1
            }
        }
        let held = await Eventually.holds(within: .seconds(20), interval: .milliseconds(10)) {
            acquired.wait(timeout: .now()) == .success
        }
        guard held else {
            gate.signal()
            throw NeverAcquired()
        }
        return HeldConnection(task: task, gate: gate)
    }

    func release() { gate.signal() }
}
