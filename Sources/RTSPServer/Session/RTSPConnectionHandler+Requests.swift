import NIOCore

extension RTSPConnectionHandler {
    static let publicMethods = "OPTIONS, ANNOUNCE, SETUP, RECORD, TEARDOWN, GET_PARAMETER, SET_PARAMETER"

    func handle(_ request: RTSPRequest) {
        let cseq = request.cseq
        if request.method != "OPTIONS", !authorize(request) { return }
        if let sent = request.header("Session"), publisher != nil,
           sent.split(separator: ";").first.map({ String($0).trimmingSpaces }) != sessionID {
            return send(RTSPResponse(status: 454, cseq: cseq))
        }
        switch request.method {
        case "OPTIONS":
            send(RTSPResponse(status: 200, cseq: cseq, headers: [("Public", Self.publicMethods)]))
        case "ANNOUNCE":
            announce(request)
        case "SETUP":
            setup(request)
        case "RECORD":
            record(request)
        case "TEARDOWN":
            closeReason = .teardown
            respondAndClose(RTSPResponse(status: 200, cseq: cseq, headers: sessionHeaders))
        case "GET_PARAMETER", "SET_PARAMETER":
            send(RTSPResponse(status: 200, cseq: cseq, headers: sessionHeaders))
        case "DESCRIBE", "PLAY", "PAUSE", "REDIRECT":
            send(RTSPResponse(status: 405, reason: "Method Not Allowed: streamd only records", cseq: cseq,
                              headers: [("Allow", Self.publicMethods)]))
        default:
            send(RTSPResponse(status: 501, cseq: cseq, headers: [("Public", Self.publicMethods)]))
        }
    }

    var sessionHeaders: [(name: String, value: String)] {
        guard publisher != nil else { return [] }
        return [("Session", "\(sessionID);timeout=\(Int(server.config.idleTimeoutSeconds.rounded(.up)))")]
    }

    /// True when no token is configured or the connection has authenticated; otherwise answers 401.
    private func authorize(_ request: RTSPRequest) -> Bool {
        guard !authenticated, let authenticator else { return true }
        if authenticator.verify(authorization: request.header("Authorization"), method: request.method) {
            authenticated = true
            return true
        }
        authFailures += 1
        let response = RTSPResponse(status: 401, cseq: request.cseq, headers: authenticator.challenges)
        if authFailures > 3 {
            logger.info("authentication failed repeatedly, closing")
            respondAndClose(response)
        } else {
            send(response)
        }
        return false
    }

    private func announce(_ request: RTSPRequest) {
        let cseq = request.cseq
        guard phase == .initial else { return send(RTSPResponse(status: 455, cseq: cseq)) }
        if let type = request.header("Content-Type"), !type.lowercased().hasPrefix("application/sdp") {
            return respondAndClose(RTSPResponse(status: 415, reason: "Unsupported Media Type: SDP expected", cseq: cseq))
        }
        guard let url = RTSPURL(request.uri), let path = url.firstComponent, !path.isEmpty else {
            return respondAndClose(RTSPResponse(status: 400, reason: "Bad Request: no path in URL", cseq: cseq))
        }
        let plan: TrackPlanner.Plan
        do throws(RTSPProtocolError) {
            plan = try TrackPlanner.plan(try SessionDescription.parse(request.body))
        } catch {
            logger.info("publish refused at ANNOUNCE", metadata: ["path": "\(path)", "status": "\(error.status)", "reason": "\(error.reason)"])
            return respondAndClose(RTSPResponse(status: error.status, reason: error.reason, cseq: cseq))
        }
        for ignored in plan.ignored {
            logger.notice("announced track dropped: codec not recorded", metadata: ["path": "\(path)", "track": "\(ignored)"])
        }
        guard let context, let handle else { return }
        let publish = PublishRequest(path: path, query: url.query, tracks: plan.tracks.map(\.track),
                                     remoteAddress: remoteAddress)
        announceURI = request.uri
        phase = .awaitingAuthority
        paused = true
        let authority = server.authority
        context.eventLoop.makeFutureWithTask {
            await authority.acceptPublisher(publish, connection: handle)
        }.assumeIsolated().whenComplete { result in
            self.paused = false
            self.authorityAnswered(result, plan: plan, path: path, cseq: cseq)
            self.processBuffer()
        }
    }

    private func authorityAnswered(
        _ result: Result<Result<any PublishSink, PublishRefusal>, any Error>, plan: TrackPlanner.Plan, path: String, cseq: String?
    ) {
        let answer: Result<any PublishSink, PublishRefusal>
        switch result {
        case .success(let inner): answer = inner
        case .failure: answer = .failure(PublishRefusal(status: 503, reason: "Service Unavailable"))
        }
        switch answer {
        case .success(let sink):
            guard let handle else { return }
            let session = PublisherSession(
                tracks: plan.tracks + plan.ignoredTracks, sink: sink, handle: handle,
                peerIP: context?.channel.remoteAddress?.ipAddress, reorderWindow: server.config.reorderWindowPackets)
            session.onActivity = { [weak self] in self?.lastActivity = .now() }
            publisher = session
            guard phase != .closing, context?.channel.isActive == true else {
                // The publisher hung up while the daemon decided: the sink still hears that it left.
                session.finish(reason: handle.wasDisconnectedByServer ? .disconnectedByServer : .connectionLost)
                return
            }
            phase = .announced
            lastActivity = .now()
            logger.info("publisher accepted", metadata: [
                "path": "\(path)", "tracks": "\(plan.tracks.map { $0.track.codec.description })",
            ])
            send(RTSPResponse(status: 200, cseq: cseq))
        case .failure(let refusal):
            logger.info("publish refused", metadata: ["path": "\(path)", "status": "\(refusal.status)", "reason": "\(refusal.reason)"])
            respondAndClose(RTSPResponse(status: refusal.status, reason: refusal.reason, cseq: cseq,
                                         headers: [("Reason", refusal.reason)]))
        }
    }

    private func record(_ request: RTSPRequest) {
        guard let publisher, phase == .announced || phase == .recording, publisher.setUpTrackCount > 0 else {
            return send(RTSPResponse(status: 455, cseq: request.cseq))
        }
        publisher.startRecording()
        phase = .recording
        send(RTSPResponse(status: 200, cseq: request.cseq, headers: sessionHeaders))
    }
}
