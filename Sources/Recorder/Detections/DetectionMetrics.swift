import Metrics
import Synchronization

/// `streamd_detections_total` by label. Labels come from clients, so only the first `maxLabels`
/// distinct ones get a series of their own and the rest count under `other`: a detector with a
/// label per object cannot grow `/metrics` without bound.
final class DetectionMetrics: Sendable {
    static let maxLabels = 100
    static let overflowLabel = "other"

    private let counters = Mutex<[String: Counter]>([:])

    func inserted(_ count: Int, label: String) {
        guard count > 0 else { return }
        let counter = counters.withLock { counters -> Counter in
            if let found = counters[label] { return found }
            if counters.count >= Self.maxLabels, let overflow = counters[Self.overflowLabel] { return overflow }
            let name = counters.count >= Self.maxLabels ? Self.overflowLabel : label
            let made = Counter(label: "streamd_detections_total", dimensions: [("label", name)])
            counters[name] = made
            return made
        }
        counter.increment(by: count)
    }
}
