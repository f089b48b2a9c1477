import Foundation
import StreamdTestSupport

/// GStreamer's RTSP server (the only one in Debian that serves PLAY), through /usr/bin/python3 with
/// python3-gi and gir1.2-gst-rtsp-server-1.0: a live 320x240 H.264 test pattern at `/cam`, behind
/// RTSP Basic auth when a user is given.
enum GStreamerRTSPSource {
    static let script = """
        import sys, gi
        gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0')
        from gi.repository import Gst, GstRtspServer, GLib
        Gst.init(None)
        port, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
        server = GstRtspServer.RTSPServer()
        server.set_address('127.0.0.1'); server.set_service(port)
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch('( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! '
                           'x264enc tune=zerolatency speed-preset=veryfast key-int-max=30 ! rtph264pay name=pay0 pt=96 config-interval=1 )')
        factory.set_shared(True)
        if user:
            auth = GstRtspServer.RTSPAuth()
            token = GstRtspServer.RTSPToken()
            token.set_string('media.factory.role', user)
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
            server.set_auth(auth)
            permissions = GstRtspServer.RTSPPermissions()
            permissions.add_permission_for_role(user, 'media.factory.access', True)
            permissions.add_permission_for_role(user, 'media.factory.construct', True)
            factory.set_permissions(permissions)
        server.get_mount_points().add_factory('/cam', factory)
        if server.attach(None) == 0:
            sys.exit('cannot attach to port ' + port)
        print('serving', flush=True)
        GLib.MainLoop().run()
        """

    /// Runs the server on `port` for `body`; returns once it serves.
    static func with<T>(port: Int, user: String = "", password: String = "", _ body: (MediaChild) async throws -> T) async throws -> T {
        let scratch = try ServiceTestEnvironment.scratchDirectory("streamd-gst-rtsp")
        defer { ServiceTestEnvironment.removeScratch(scratch) }
        let file = scratch.appendingPathComponent("serve.py")
        try script.write(to: file, atomically: true, encoding: .utf8)
        return try await MediaChild.with("gst-rtsp-server", ["/usr/bin/python3", file.path, String(port), user, password]) { server in
            try await Eventually.until("the GStreamer RTSP server to serve", timeout: .seconds(15)) {
                guard server.isRunning else { throw ServiceTestFailure("the RTSP server exited:\n\(server.tailOfOutput)") }
                return server.output.contains("serving")
            }
            return try await body(server)
        }
    }
}
