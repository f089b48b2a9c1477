import NIOConcurrencyHelpers

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

    func disconnectAll() {
        let all = handles.withLockedValue { Array($0.values) }
        for handle in all { handle.disconnect() }
    }
}
