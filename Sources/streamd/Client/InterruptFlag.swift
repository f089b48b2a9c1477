import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT (Ctrl-C) and SIGTERM into a flag the record loop checks, instead of killing the
/// process while a session records: the loop then closes the session cleanly.
final class InterruptFlag: Sendable {
    /// Signals belong to the process, and so does the count of them.
    private static let raised = Atomic<Int>(0)
    private let sources: Mutex<[any DispatchSourceSignal]>
    private let signals: [Int32]

    init(signals: [Int32] = [SIGINT, SIGTERM]) {
        self.signals = signals
        var made: [any DispatchSourceSignal] = []
        for number in signals {
            // The default action must be off, or the signal ends the process before the source sees it.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { Self.raised.add(1, ordering: .relaxed) }
            source.resume()
            made.append(source)
        }
        sources = Mutex(made)
    }

    var wasRaised: Bool { Self.raised.load(ordering: .relaxed) > 0 }

    /// After the first Ctrl-C starts the clean close, a second one ends the client at once.
    func restoreDefaultAction() {
        sources.withLock { sources in
            sources.forEach { $0.cancel() }
            sources.removeAll()
        }
        for number in signals { signal(number, SIG_DFL) }
    }
}
