import NIOCore

extension RTSPConnectionHandler {
    func setup(_ request: RTSPRequest) {
        let cseq = request.cseq
        guard let publisher, phase == .announced else { return send(RTSPResponse(status: 455, cseq: cseq)) }
        guard let track = ControlURLMatcher.track(forSetup: request.uri, announceURI: announceURI, tracks: publisher.tracks)
        else {
            return send(RTSPResponse(status: 404, reason: "Not Found: no such track", cseq: cseq))
        }
        guard !publisher.isSetUp(track.track.index) else { return send(RTSPResponse(status: 455, cseq: cseq)) }
        let specs = TransportSpec.parseList(request.header("Transport") ?? "")
        guard let spec = specs.first(where: { !$0.isMulticast && ($0.lower == .tcp || $0.clientPorts != nil) }) else {
            return send(RTSPResponse(status: 461, cseq: cseq))
        }
        let mode = spec.mode.map { ";mode=\($0)" } ?? ";mode=record"
        switch spec.lower {
        case .tcp:
            let channels = spec.interleaved ?? (track.track.index * 2, track.track.index * 2 + 1)
            guard publisher.setUpInterleaved(trackIndex: track.track.index, rtpChannel: channels.rtp, rtcpChannel: channels.rtcp)
            else { return send(RTSPResponse(status: 461, reason: "Unsupported Transport: channel in use", cseq: cseq)) }
            send(RTSPResponse(status: 200, cseq: cseq, headers: sessionHeaders + [
                ("Transport", "RTP/AVP/TCP;unicast;interleaved=\(channels.rtp)-\(channels.rtcp)\(mode)"),
            ]))
        case .udp:
            guard let clientPorts = spec.clientPorts else { return send(RTSPResponse(status: 461, cseq: cseq)) }
            setupUDP(track: track.track.index, clientPorts: clientPorts, mode: mode, cseq: cseq, publisher: publisher)
        }
    }

    private func setupUDP(track: Int, clientPorts: (rtp: Int, rtcp: Int), mode: String, cseq: String?, publisher: PublisherSession) {
        guard let context else { return }
        let boundPublisher = NIOLoopBound(publisher, eventLoop: context.eventLoop)
        paused = true
        UDPPairBinder.bind(host: server.config.host, allocator: server.udpAllocator, on: context.eventLoop) { isRTCP in
            DatagramReceiver { address, bytes in
                boundPublisher.value.receiveDatagram(trackIndex: track, isRTCP: isRTCP, from: address, bytes: bytes)
            }
        }.assumeIsolated().whenComplete { result in
            self.paused = false
            switch result {
            case .success(let pair):
                guard self.phase == .announced, self.context?.channel.isActive == true else {
                    pair.rtp.close(promise: nil)
                    pair.rtcp.close(promise: nil)
                    return
                }
                publisher.setUpUDP(trackIndex: track, rtp: pair.rtp, rtcp: pair.rtcp)
                self.send(RTSPResponse(status: 200, cseq: cseq, headers: self.sessionHeaders + [
                    ("Transport", "RTP/AVP/UDP;unicast;client_port=\(clientPorts.rtp)-\(clientPorts.rtcp);"
                        + "server_port=\(pair.rtpPort)-\(pair.rtpPort + 1)\(mode)"),
                ]))
            case .failure(let error):
                self.logger.warning("no UDP port pair for RTP", metadata: ["error": "\(error)"])
                self.send(RTSPResponse(status: 453, reason: "Not Enough Bandwidth: no UDP port free", cseq: cseq))
            }
            self.processBuffer()
        }
    }
}
