import NIOConcurrencyHelpers
import NIOCore

/// The daemon's hold on one publisher connection: kick it, read its counters.
public final class PublisherHandle: Sendable {
    /// `ip:port` of the publisher.
    public let remoteAddress: String
    private let channel: any Channel
    private let state = NIOLockedValueBox(State())

    private struct State {
        var stats = PublisherStats()
        var disconnectedByServer = false
    }

    init(channel: any Channel, remoteAddress: String) {
        self.channel = channel
        self.remoteAddress = remoteAddress
    }

    /// Closes the connection; the sink then gets `publisherLeft(reason: .disconnectedByServer)`.
    /// Safe to call from any thread, more than once.
    public func disconnect() {
        state.withLockedValue { $0.disconnectedByServer = true }
        channel.close(promise: nil)
    }

    /// A snapshot of the counters.
    public var stats: PublisherStats { state.withLockedValue { $0.stats } }

    var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    var wasDisconnectedByServer: Bool { state.withLockedValue { $0.disconnectedByServer } }

    func updateStats(_ body: (inout PublisherStats) -> Void) {
        state.withLockedValue { body(&$0.stats) }
    }
}
