import NIOConcurrencyHelpers
@testable import RTSPServer

/// Collects what one publisher delivered.
final class RecordingSink: PublishSink {
    private struct State {
        var units: [AccessUnit] = []
        var exit: PublisherExit?
        var receivedAfterExit = 0
    }

    let request: PublishRequest
    let handle: PublisherHandle
    private let state = NIOLockedValueBox(State())
    private let onLeft: @Sendable () -> Void

    init(request: PublishRequest, handle: PublisherHandle, onLeft: @escaping @Sendable () -> Void) {
        self.request = request
        self.handle = handle
        self.onLeft = onLeft
    }

    func receive(_ unit: AccessUnit) {
        state.withLockedValue { state in
            if state.exit != nil { state.receivedAfterExit += 1 }
            state.units.append(unit)
        }
    }

    func publisherLeft(reason: PublisherExit) {
        state.withLockedValue { $0.exit = $0.exit ?? reason }
        onLeft()
    }

    var units: [AccessUnit] { state.withLockedValue { $0.units } }
    var exit: PublisherExit? { state.withLockedValue { $0.exit } }
    var receivedAfterExit: Int { state.withLockedValue { $0.receivedAfterExit } }

    func units(track: Int) -> [AccessUnit] { units.filter { $0.trackIndex == track } }
}

/// A daemon stand-in: one publisher per path, refusals on request, every sink kept.
final class TestAuthority: PublishAuthority {
    private struct State {
        var active: [String: RecordingSink] = [:]
        var all: [RecordingSink] = []
        var requests: [PublishRequest] = []
    }

    private let state = NIOLockedValueBox(State())
    let refusedPaths: [String: PublishRefusal]

    init(refusedPaths: [String: PublishRefusal] = [:]) {
        self.refusedPaths = refusedPaths
    }

    func acceptPublisher(_ request: PublishRequest, connection: PublisherHandle) async -> Result<any PublishSink, PublishRefusal> {
        if let refusal = refusedPaths[request.path] { return .failure(refusal) }
        return state.withLockedValue { state -> Result<any PublishSink, PublishRefusal> in
            state.requests.append(request)
            guard state.active[request.path] == nil else {
                return .failure(.conflict("path \(request.path) already has a publisher"))
            }
            let path = request.path
            let sink = RecordingSink(request: request, handle: connection) { [weak self] in
                self?.left(path: path)
            }
            state.active[path] = sink
            state.all.append(sink)
            return .success(sink)
        }
    }

    private func left(path: String) {
        state.withLockedValue { _ = $0.active.removeValue(forKey: path) }
    }

    var sinks: [RecordingSink] { state.withLockedValue { $0.all } }
    var requests: [PublishRequest] { state.withLockedValue { $0.requests } }

    func sink(path: String) -> RecordingSink? { sinks.first { $0.request.path == path } }
}
