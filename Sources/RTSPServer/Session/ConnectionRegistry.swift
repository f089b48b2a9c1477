import NIOConcurrencyHelpers
import NIOCore

/// The open connections of one server, so shutdown can disconnect them all.
final class ConnectionRegistry: Sendable {
    private let handles = NIOLockedValueBox([ObjectIdentifier: PublisherHandle]())

    func add(_ handle: PublisherHandle) {
        handles.withLockedValue { $0[ObjectIdentifier(handle)] = handle }
    }

    func remove(_ handle: PublisherHandle) {
        handles.withLockedValue { _ = $0.removeValue(forKey: ObjectIdentifier(handle)) }
    }

    var count: Int { handles.withLockedValue { $0.count } }

    /// Kicks every connection; the futures complete when their channels are closed.
    func disconnectAll() -> [EventLoopFuture<Void>] {
        let all = handles.withLockedValue { Array($0.values) }
        return all.map { handle in
            handle.disconnect()
            return handle.closeFuture
        }
    }
}
