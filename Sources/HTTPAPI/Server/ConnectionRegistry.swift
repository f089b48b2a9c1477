import Metrics
import NIOCore
import Recorder
import Synchronization

/// The HTTP server's open connections under the shared `ConnectionCap`. At the cap a new
/// connection takes the slot of the connection that has been idle longest (no request in flight,
/// or a request head still arriving), which is closed: idle sockets cannot lock out real clients,
/// and the number of descriptors never passes the cap. Only when every connection is busy is the new
/// one closed at once.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        let channel: any Channel
        let slot: Slot
        /// Order in which connections became idle; nil while a request is in flight.
        var idleSince: UInt64?
    }

    /// One connection's share of the counter, given back exactly once: when the connection closes,
    /// unless it was handed to the connection that evicted it.
    final class Slot: Sendable {
        private let counter: ConnectionCap
        private let held = Atomic<Bool>(true)

        init(counter: ConnectionCap) { self.counter = counter }

        func release() {
            if held.exchange(false, ordering: .acquiringAndReleasing) { counter.release() }
        }

        /// Gives the slot up without releasing it; false when it was already released.
        func handOver() -> Bool { held.exchange(false, ordering: .acquiringAndReleasing) }
    }

    let counter: ConnectionCap
    private let state = Mutex<(entries: [ObjectIdentifier: Entry], sequence: UInt64)>(([:], 0))
    private let evicted = Counter(label: "streamd_http_connections_evicted_total")
    private let refused = Counter(label: "streamd_http_connections_refused_total")

    init(counter: ConnectionCap) {
        self.counter = counter
    }

    /// Admits an accepted connection, evicting the longest idle one at the cap; false when it must be
    /// closed because every other connection is busy.
    func admit(_ channel: any Channel) -> Bool {
        let slot: Slot
        if counter.tryAcquire() {
            slot = Slot(counter: counter)
        } else if let victim = takeLongestIdle(), victim.slot.handOver() {
            victim.channel.close(promise: nil)
            evicted.increment()
            slot = Slot(counter: counter)
        } else {
            refused.increment()
            return false
        }
        let id = ObjectIdentifier(channel)
        state.withLock { state in
            state.sequence += 1
            state.entries[id] = Entry(channel: channel, slot: slot, idleSince: state.sequence)
        }
        channel.closeFuture.whenComplete { [self] _ in
            _ = state.withLock { $0.entries.removeValue(forKey: id) }
            slot.release()
        }
        return true
    }

    func markBusy(_ channel: any Channel) {
        state.withLock { $0.entries[ObjectIdentifier(channel)]?.idleSince = nil }
    }

    /// Called after every answer the fast path writes: one hash lookup.
    func markIdle(_ channel: any Channel) {
        state.withLock { state in
            guard let index = state.entries.index(forKey: ObjectIdentifier(channel)) else { return }
            state.sequence += 1
            state.entries.values[index].idleSince = state.sequence
        }
    }

    /// A connection that was refused and only lingers until it closes: the first to make room.
    func markDisposable(_ channel: any Channel) {
        state.withLock { $0.entries[ObjectIdentifier(channel)]?.idleSince = 0 }
    }

    private func takeLongestIdle() -> Entry? {
        state.withLock { state in
            let idle = state.entries.filter { $0.value.idleSince != nil }
            guard let longest = idle.min(by: { ($0.value.idleSince ?? 0) < ($1.value.idleSince ?? 0) }) else { return nil }
            state.entries.removeValue(forKey: longest.key)
            return longest.value
        }
    }
}
