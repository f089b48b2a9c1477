import ArgumentParser
import Foundation
import Sessions

/// The seed's `run-edge-once`, as a client of a running daemon: start a session, show its progress,
/// close it cleanly on Ctrl-C, and print where to play it.
struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record one session on a running daemon and print its playlist URL.",
        discussion: "Ctrl-C closes the session cleanly (the playlist is finalized); a second Ctrl-C quits at once.")

    enum CameraChoice: String, EnumerableFlag {
        case withCamera, noCamera

        static func help(for value: CameraChoice) -> ArgumentHelp? {
            switch value {
            case .withCamera: "Record from the camera; fail when there is none."
            case .noCamera: "Record the synthetic test pattern (default: the camera when it exists, else the pattern)."
            }
        }
    }

    @OptionGroup var client: ClientOptions

    @Option(name: .long, help: ArgumentHelp("Seconds to record; without it, records until Ctrl-C.", valueName: "seconds"))
    var duration: Double?

    @Option(name: .long, help: ArgumentHelp("Seconds recorded after --duration.", valueName: "seconds"))
    var postRoll: Double?

    @Flag var camera: CameraChoice?

    @Option(name: .long, help: ArgumentHelp("V4L2 device (default: the daemon's camera.device).", valueName: "path"))
    var cameraDevice: String?

    @Option(name: .long, help: ArgumentHelp("Logical camera id stored with the session (default: the daemon's camera.device_id).", valueName: "id"))
    var deviceId: String?

    @Flag(name: .long, help: "Wait for an RTSP publisher instead of capturing: prints the URL to publish to.")
    var publish = false

    @Option(name: .long, help: ArgumentHelp("Record this stream by stream copy (rtsp://, rtmp://, srt://, http(s)://).", valueName: "url"))
    var url: String?

    @Option(name: .long, help: ArgumentHelp("The RTSP address publishers reach (default: the daemon's host, port 8554).", valueName: "rtsp://host:port"))
    var rtsp: String?

    func validate() throws {
        if let duration, !(duration.isFinite && duration > 0) { throw ValidationError("--duration must be a positive number of seconds") }
        if let postRoll, !(postRoll.isFinite && postRoll >= 0) { throw ValidationError("--post-roll must be 0 or more seconds") }
        if postRoll != nil, duration == nil { throw ValidationError("--post-roll needs --duration") }
        if camera == .noCamera, cameraDevice != nil { throw ValidationError("--camera-device does not go with --no-camera") }
        if publish, url != nil { throw ValidationError("--publish and --url are two different sources; give one") }
        if (publish || url != nil), camera != nil || cameraDevice != nil {
            throw ValidationError("--publish and --url record what a device sends; they do not go with the camera options")
        }
        if let rtsp, !rtsp.hasPrefix("rtsp://") { throw ValidationError("--rtsp must start with rtsp://") }
    }

    func run() async throws {
        let api = try client.makeClient()
        // Installed before the session exists, so a Ctrl-C during the start still closes it afterwards.
        let interrupt = InterruptFlag()
        let source = if publish { "publish" } else if url != nil { "pull" } else {
            switch camera {
            case .withCamera: "camera"
            case .noCamera: "testsrc"
            case nil: "auto"
            }
        }
        let started = try await api.start(StartBody(
            source: source, durationSec: duration, postRollSec: postRoll, device: cameraDevice, deviceId: deviceId, url: url))
        if publish {
            // stdout carries the URL alone, so a script can hand it to its publisher.
            let publishURL = "\(try rtsp ?? defaultRTSPBase())/\(started.sessionId)"
            print(publishURL)
            FileHandle.standardError.write(Data(("publish to it, for example:\n  ffmpeg -re -f lavfi -i testsrc=size=1280x720:rate=30 -c:v libx264 "
                + "-preset veryfast -tune zerolatency -g 60 -f rtsp \(publishURL)\n").utf8))
        }
        var display = ProgressDisplay()
        display.note("recording \(started.sessionId) from \(started.source ?? source)"
            + (started.width.map { " at \($0)x\(started.height ?? 0)" } ?? "") + (duration == nil ? "; Ctrl-C stops" : ""))

        let ended = try await follow(started, api: api, interrupt: interrupt, display: &display)
        display.endBar()
        try report(ended)
    }

    /// Where an edge agent publishes: the configuration's RTSP address when no --server is given,
    /// else the server's host with the default RTSP port.
    private func defaultRTSPBase() throws -> String {
        if client.server == nil, let base = try client.configuration.load().rtspPublishBase { return base }
        let host = client.server.flatMap { URL(string: $0)?.host } ?? "127.0.0.1"
        return "rtsp://\(host.contains(":") ? "[\(host)]" : host):\(Defaults.rtspListen.split(separator: ":").last ?? "8554")"
    }

    /// Polls the session until it ends by itself, or closes it when the user interrupts.
    private func follow(_ started: SessionInfo, api: StreamdClient, interrupt: InterruptFlag, display: inout ProgressDisplay) async throws -> SessionInfo {
        var current = started
        var unreachableSince: ContinuousClock.Instant?
        display.update(current)
        while !current.hasEnded {
            if interrupt.wasRaised { return try await close(current, api: api, interrupt: interrupt, display: &display) }
            try await Task.sleep(for: .milliseconds(500))
            if interrupt.wasRaised { return try await close(current, api: api, interrupt: interrupt, display: &display) }
            do {
                current = try await api.session(current.sessionId)
                unreachableSince = nil
            } catch {
                // A daemon restart is brief; give it a moment before giving up on the session.
                guard case .unreachable = error else { throw error }
                let since = unreachableSince ?? .now
                unreachableSince = since
                if ContinuousClock.now - since > .seconds(15) { throw error }
            }
            display.update(current)
        }
        return current
    }

    private func close(_ session: SessionInfo, api: StreamdClient, interrupt: InterruptFlag, display: inout ProgressDisplay) async throws -> SessionInfo {
        interrupt.restoreDefaultAction()
        display.note("closing \(session.sessionId) (Ctrl-C again quits without waiting)")
        return try await api.close(session.sessionId)
    }

    private func report(_ session: SessionInfo) throws {
        let summary = "\(session.sessionId) \(session.status): \(HumanUnits.seconds(session.mediaDurationSec)), "
            + "\(session.segmentCount ?? 0) segments, \(HumanUnits.bytes(session.bytes))"
        FileHandle.standardError.write(Data((summary + "\n").utf8))
        if let playlist = session.playlistUrl, (session.segmentCount ?? 0) > 0 {
            print("playlist: \(playlist)")
            print("ffplay \(playlist)")
        }
        switch session.status {
        case "completed":
            return
        case "failed":
            throw RecordFailed(message: "session \(session.sessionId) failed: \(session.error ?? "no reason given")")
        default:
            throw RecordFailed(message: "session \(session.sessionId) ended \(session.status) (the daemon stopped while it recorded)")
        }
    }
}

/// The session ended, but not as asked; ArgumentParser prints the message and exits 1.
struct RecordFailed: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
