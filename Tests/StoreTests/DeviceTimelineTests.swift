import Foundation
import Sessions
import Testing

/// Which segments a device playlist follows and which spans a timeline draws.
@Suite struct DeviceTimelineTests {
    static let base = Date(timeIntervalSince1970: 1_707_912_000)

    static func segment(_ session: String, _ seq: Int, at offset: Double, duration: Double = 2) -> Segment {
        Segment(sessionId: session, seq: seq, uri: "s\(seq).ts", startsAt: base.addingTimeInterval(offset),
                durationSec: duration, bytes: 1, discontinuity: false)
    }

    @Test func touchingSegmentsMergeAndGapsSplit() {
        let segments = [
            Self.segment("a", 0, at: 0), Self.segment("a", 1, at: 2.3), Self.segment("a", 2, at: 10),
            Self.segment("b", 0, at: 12),
        ]
        #expect(DeviceTimeline.spans(segments) == [
            .init(start: Self.base, end: Self.base.addingTimeInterval(4.3), sessionId: "a"),
            .init(start: Self.base.addingTimeInterval(10), end: Self.base.addingTimeInterval(12), sessionId: "a"),
            .init(start: Self.base.addingTimeInterval(12), end: Self.base.addingTimeInterval(14), sessionId: "b"),
        ])
        let followed = DeviceTimeline.followed(segments)
        #expect(!DeviceTimeline.startsDiscontinuity(followed[1], after: followed[0]))
        #expect(DeviceTimeline.startsDiscontinuity(followed[2], after: followed[1]))
        #expect(DeviceTimeline.startsDiscontinuity(followed[3], after: followed[2]))
    }

    @Test func theEarlierSessionIsFollowedWhereTwoOverlap() {
        let a = (0..<5).map { Self.segment("a", $0, at: Double($0) * 2) }  // 0–10 s
        let b = (0..<5).map { Self.segment("b", $0, at: 5 + Double($0) * 2) }  // 5–15 s
        let followed = DeviceTimeline.followed(b + a)
        #expect(followed.map(\.sessionId) == ["a", "a", "a", "a", "a", "b", "b"])
        #expect(followed.suffix(2).map(\.seq) == [3, 4])  // b from 11 s, after a ends
    }
}

@Suite struct DeviceTimelineResolveTests {
    static let base = DeviceTimelineTests.base

    @Test func islandsThenResolvedClipAndCutOverlaps() {
        let a = (0..<5).map { DeviceTimelineTests.segment("a", $0, at: Double($0) * 2) }  // 0–10 s
        let b = (0..<5).map { DeviceTimelineTests.segment("b", $0, at: 5 + Double($0) * 2) }  // 5–15 s
        let islands = DeviceTimeline.islands(a + b)
        #expect(islands.count > 2)  // interleaved in time: the session changes at every segment
        let resolved = DeviceTimeline.resolved(islands, from: Self.base.addingTimeInterval(1), to: Self.base.addingTimeInterval(14))
        #expect(resolved == [
            .init(start: Self.base.addingTimeInterval(1), end: Self.base.addingTimeInterval(10), sessionId: "a"),
            .init(start: Self.base.addingTimeInterval(10), end: Self.base.addingTimeInterval(14), sessionId: "b"),
        ])
    }
}
