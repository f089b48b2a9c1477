import Foundation

/// The bounded hand-over between the RTSP server's event loop (which must never block) and a
/// copy recording's thread. A full queue drops the new unit and counts it.
final class AccessUnitQueue: @unchecked Sendable {
    enum Item: Sendable {
        case unit(CopyAccessUnit)
        case discontinuity
    }

    private let capacity: Int
    // Guards everything below; NSCondition so the consumer can sleep until an item arrives.
    private let condition = NSCondition()
    private var items: [Item] = []
    private var head = 0
    private var closed = false
    private var dropped = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds `item` unless the queue is full or closed; never waits.
    func offer(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        if case .unit = item, items.count - head >= capacity {
            dropped += 1
            return false
        }
        items.append(item)
        condition.signal()
        return true
    }

    /// The next item; waits for one. nil once the queue is closed and empty.
    func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count, !closed { condition.wait() }
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head > 256, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }

    /// No more items are accepted; the consumer still gets what is queued.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Closes the queue and forgets what it holds (the recording is over).
    func discardAll() {
        condition.lock()
        closed = true
        items.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    var droppedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return dropped
    }
}
