@testable import RTSPServer

enum TrackFixtures {
    static func video(_ codec: RTSPCodec) -> AnnouncedTrack {
        AnnouncedTrack(track: PublishTrack(index: 0, codec: codec, clockRate: 90000, controlURL: "streamid=0"), payloadType: 96)
    }

    static func aac() -> AnnouncedTrack {
        AnnouncedTrack(
            track: PublishTrack(index: 1, codec: .aac, clockRate: 44100, audioSpecificConfig: [0x12, 0x10], channels: 2,
                                controlURL: "streamid=1"),
            payloadType: 97,
            aac: AACParameters(sizeLength: 13, indexLength: 3, indexDeltaLength: 3, frameDuration: 1024))
    }

    /// Delays packets by up to `distance` places, as a network might; the first stays first
    /// (it starts the sequence). Sorting on index + random delay bounds every displacement.
    static func locallyShuffled<T>(_ items: [T], distance: Int, random: inout SplitMix) -> [T] {
        guard items.count > 2, distance > 0 else { return items }
        let keyed = items.enumerated().map { index, item in
            (key: index == 0 ? -1 : index + Int.random(in: 0...distance, using: &random), index: index, item: item)
        }
        return keyed.sorted { ($0.key, $0.index) < ($1.key, $1.index) }.map(\.item)
    }
}
