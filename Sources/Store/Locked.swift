import Foundation

/// A value guarded by a lock: state shared by async callers and the connections' dispatch queues.
/// NSLock rather than `Synchronization.Mutex` because the package still targets macOS 14.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
