import Foundation
import Glibc
@testable import Media

/// GStreamer's RTSP server (Debian's only one that serves PLAY) through /usr/bin/python3 and
/// python3-gi: a live H.264 test pattern at `rtsp://127.0.0.1:<port>/cam`, behind Basic auth
/// when a user is given.
final class GStreamerRTSPServer {
    static let script = """
    import sys, gi
    gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0')
    from gi.repository import Gst, GstRtspServer, GLib
    Gst.init(None)
    port, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
    server = GstRtspServer.RTSPServer(); server.set_service(port); server.set_address("127.0.0.1")
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch("( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! "
                       "x264enc tune=zerolatency speed-preset=veryfast key-int-max=30 ! rtph264pay name=pay0 pt=96 )")
    factory.set_shared(True)
    if user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken(); token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
        server.set_auth(auth)
        factory.add_role_from_structure(Gst.Structure.from_string(
            "user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")[0])
    server.get_mount_points().add_factory("/cam", factory)
    server.attach(None)
    GLib.MainLoop().run()
    """

    /// python3-gi with GstRtspServer and x264enc are installed.
    static let available: Bool = {
        let check = "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer, Gst; " +
            "Gst.init(None); import sys; sys.exit(0 if Gst.ElementFactory.find('x264enc') else 1)"
        do {
            return try runToolStatus("/usr/bin/python3", ["-c", check]) == 0
        } catch {
            return false
        }
    }()

    let port: UInt16
    private let process: Process

    init(directory: URL, user: String = "", password: String = "") throws {
        let scriptURL = directory.appendingPathComponent("rtsp-server.py")
        try Data(Self.script.utf8).write(to: scriptURL)
        port = try freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [scriptURL.path, String(port), user, password]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !isListening(port: port), Date() < deadline { usleep(20_000) }
    }

    deinit {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
