import Recorder
import Synchronization
import Testing

@Suite("connection counter")
struct ConnectionCounterTests {
    /// Many tasks racing for slots never hold more than the limit, and every release frees one.
    @Test func neverHandsOutMoreThanTheLimit() async {
        let counter = ConnectionCap(limit: 8)
        let mostHeld = Peak()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    for _ in 0..<200 where counter.tryAcquire() {
                        let held = counter.current
                        mostHeld.value.max(held, ordering: .relaxed)
                        counter.release()
                    }
                }
            }
        }
        #expect(mostHeld.value.load(ordering: .relaxed) <= 8)
        #expect(counter.current == 0)
        #expect((0..<8).allSatisfy { _ in counter.tryAcquire() })
        #expect(!counter.tryAcquire())
        counter.release()
        #expect(counter.tryAcquire())
    }
}

/// The most slots seen held at once, shared by the racing tasks.
private final class Peak: Sendable {
    let value = Atomic<Int>(0)
}
