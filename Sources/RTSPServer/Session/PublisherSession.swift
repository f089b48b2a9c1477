import NIOCore

/// An accepted publisher: its tracks, transports and sink. Lives on its connection's event loop
/// (the UDP sockets are bound on the same loop), so it needs no locks of its own.
final class PublisherSession {
    let tracks: [AnnouncedTrack]
    let sink: any PublishSink
    let handle: PublisherHandle
    /// The TCP peer's IP: UDP datagrams from anywhere else are ignored.
    let peerIP: String?
    private var receivers: [Int: TrackReceiver] = [:]
    /// Interleaved channel → (track index, is RTCP).
    private var interleavedChannels: [UInt8: (track: Int, isRTCP: Bool)] = [:]
    private(set) var udpChannels: [any Channel] = []
    private(set) var isRecording = false
    private var finished = false
    private let reorderWindow: Int
    /// Called for every RTP/RTCP packet from the publisher: it counts as liveness.
    var onActivity: () -> Void = {}

    init(tracks: [AnnouncedTrack], sink: any PublishSink, handle: PublisherHandle, peerIP: String?, reorderWindow: Int) {
        self.tracks = tracks
        self.sink = sink
        self.handle = handle
        self.peerIP = peerIP
        self.reorderWindow = reorderWindow
    }

    var setUpTrackCount: Int { receivers.count }

    func isSetUp(_ trackIndex: Int) -> Bool { receivers[trackIndex] != nil }

    func setUpInterleaved(trackIndex: Int, rtpChannel: Int, rtcpChannel: Int) -> Bool {
        guard let rtp = UInt8(exactly: rtpChannel), let rtcp = UInt8(exactly: rtcpChannel),
              interleavedChannels[rtp] == nil, interleavedChannels[rtcp] == nil,
              let track = tracks.first(where: { $0.track.index == trackIndex })
        else { return false }
        interleavedChannels[rtp] = (trackIndex, false)
        interleavedChannels[rtcp] = (trackIndex, true)
        receivers[trackIndex] = TrackReceiver(track: track, reorderWindow: reorderWindow)
        return true
    }

    func setUpUDP(trackIndex: Int, rtp: any Channel, rtcp: any Channel) {
        guard let track = tracks.first(where: { $0.track.index == trackIndex }) else { return }
        udpChannels += [rtp, rtcp]
        receivers[trackIndex] = TrackReceiver(track: track, reorderWindow: reorderWindow)
    }

    func startRecording() {
        isRecording = true
    }

    func receiveInterleaved(channel: UInt8, payload: [UInt8]) {
        guard let route = interleavedChannels[channel] else { return }
        receivePacket(trackIndex: route.track, isRTCP: route.isRTCP, bytes: payload)
    }

    func receiveDatagram(trackIndex: Int, isRTCP: Bool, from address: SocketAddress?, bytes: [UInt8]) {
        guard let peerIP, address?.ipAddress == peerIP else { return }
        receivePacket(trackIndex: trackIndex, isRTCP: isRTCP, bytes: bytes)
    }

    private func receivePacket(trackIndex: Int, isRTCP: Bool, bytes: [UInt8]) {
        guard !finished else { return }
        onActivity()
        if isRTCP || RTPPacket.looksLikeRTCP(bytes) {
            handle.updateStats { $0.bytesReceived += bytes.count }
            return
        }
        // Mutated in place: a copy out of the dictionary would copy a half-built FU-A NAL unit per packet.
        guard let output = receivers[trackIndex]?.receive(bytes, at: .now) else { return }
        deliver(output, bytes: bytes.count, packets: output.accepted ? 1 : 0)
    }

    private func deliver(_ output: TrackReceiver.Output, bytes: Int, packets: Int) {
        let delivered = isRecording ? output.units.count : 0
        handle.updateStats { stats in
            stats.bytesReceived += bytes
            stats.packetsReceived += packets
            stats.packetsLost += output.newlyLost
            stats.packetsDiscarded += output.newlyDiscarded
            stats.accessUnits += delivered
        }
        guard isRecording else { return }
        for unit in output.units { sink.receive(unit) }
    }

    /// Delivers what is still held, closes the UDP sockets and tells the sink. Runs once.
    func finish(reason: PublisherExit) {
        guard !finished else { return }
        for index in receivers.keys.sorted() {
            guard let output = receivers[index]?.finish() else { continue }
            deliver(output, bytes: 0, packets: 0)
        }
        finished = true
        for channel in udpChannels { channel.close(promise: nil) }
        udpChannels = []
        sink.publisherLeft(reason: reason)
    }
}
