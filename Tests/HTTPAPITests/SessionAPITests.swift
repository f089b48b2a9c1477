import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Recorder
import Testing

@Suite("/sessions API")
struct SessionAPITests {
    @Test func healthReportsDatabaseState() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            var response = try await client.send(.get, "/healthz")
            #expect(response.status == .ok)
            #expect(response.json["status"] as? String == "ok")
            #expect(response.json["database"] as? String == "ok")
            await daemon.repository.setHealthy(false)
            response = try await client.send(.get, "/healthz")
            #expect(response.status == .ok)
            #expect(response.json["database"] as? String == "down")
        }
    }

    @Test func createShowCloseDeleteLifecycle() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let created = try await client.send(.post, "/sessions", json: #"{"sessionId":"api-life","source":"testsrc","deviceId":"cam-test","edgeStartTs":1,"playlistUrl":"x"}"#)
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/sessions/api-life")
            let body = created.json
            #expect(body["session_id"] as? String == "api-life")
            #expect(body["stream_path"] as? String == "api-life")
            #expect(body["device_id"] as? String == "cam-test")
            #expect(body["source"] as? String == "testsrc")
            #expect(body["playlist_url"] as? String == "http://test.local/api-life/index.m3u8")
            #expect(["starting", "recording"].contains(body["status"] as? String))
            #expect(body.keys.contains("edge_end_ts") && body.keys.contains("error") && body.keys.contains("duration_sec"))
            #expect((body["created_at"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil)

            let duplicate = try await client.send(.post, "/sessions", json: #"{"sessionId":"api-life","source":"testsrc"}"#)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorCode == "session_exists")

            let busyDelete = try await client.send(.delete, "/sessions/api-life")
            #expect(busyDelete.status == .conflict)
            #expect(busyDelete.errorCode == "session_recording")

            let shown = try await client.send(.get, "/sessions/api-life")
            #expect(shown.status == .ok)
            #expect(shown.json["session_id"] as? String == "api-life")

            let closed = try await client.send(.post, "/sessions/api-life/close")
            #expect(closed.status == .ok)
            #expect(closed.json["status"] as? String == "completed")
            let playlist = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("recordings/api-life/index.m3u8"), encoding: .utf8)
            #expect(playlist.contains("#EXT-X-ENDLIST"))

            let closedAgain = try await client.send(.post, "/sessions/api-life/close")
            #expect(closedAgain.status == .ok)
            #expect(closedAgain.json["status"] as? String == "completed")

            let deleted = try await client.send(.delete, "/sessions/api-life")
            #expect(deleted.status == .noContent)
            #expect(!FileManager.default.fileExists(atPath: daemon.dataDirectory.appendingPathComponent("recordings/api-life").path))
            let gone = try await client.send(.get, "/sessions/api-life")
            #expect(gone.status == .notFound)
            #expect(gone.errorCode == "session_not_found")
            let r1 = try await client.send(.delete, "/sessions/api-life")
            #expect(r1.status == .notFound)
            let r2 = try await client.send(.post, "/sessions/api-life/close")
            #expect(r2.status == .notFound)
        }
    }

    @Test func generatedIdsAreUniqueAndListedNewestFirst() async throws {
        let daemon = try TestDaemon { $0.maxSessions = 8 }
        try await daemon.test { client in
            var ids: [String] = []
            for _ in 0..<3 {
                let response = try await client.send(.post, "/sessions", json: #"{"source":"testsrc","durationSec":0.5}"#)
                #expect(response.status == .created)
                let id = try #require(response.json["session_id"] as? String)
                #expect(id.hasPrefix("sess-"))
                ids.append(id)
            }
            #expect(Set(ids).count == 3)
            let page = try await client.send(.get, "/sessions?limit=2")
            let listed = (page.json["sessions"] as? [[String: Any]])?.compactMap { $0["session_id"] as? String } ?? []
            #expect(listed == Array(ids.reversed().prefix(2)))
            let cursor = try #require(page.json["next_before"] as? String)
            let next = try await client.send(.get, "/sessions?limit=2&before=\(cursor)")
            let rest = (next.json["sessions"] as? [[String: Any]])?.compactMap { $0["session_id"] as? String } ?? []
            #expect(rest == [ids[0]])
            let filtered = try await client.send(.get, "/sessions?deviceId=nobody")
            #expect((filtered.json["sessions"] as? [Any])?.isEmpty == true)
            for id in ids { _ = try await client.send(.post, "/sessions/\(id)/close") }
            let completed = try await client.send(.get, "/sessions?status=completed")
            #expect((completed.json["sessions"] as? [Any])?.count == 3)
        }
    }

    @Test(arguments: [
        (#"{"sessionId":"#, 400, "invalid_json"),
        (#"[1,2]"#, 400, "invalid_json"),
        (#"{"width":"wide"}"#, 400, "wrong_type"),
        (#"{"width":640.5}"#, 400, "wrong_type"),
        (#"{"durationSec":true}"#, 400, "wrong_type"),
        (#"{"deviceId":"a\u0000b"}"#, 400, "nul_byte"),
        (#"{"width":15}"#, 422, "invalid_width"),
        (#"{"height":4000}"#, 422, "invalid_height"),
        (#"{"fps":0}"#, 422, "invalid_fps"),
        (#"{"durationSec":-1}"#, 422, "invalid_duration"),
        (#"{"postRollSec":99999}"#, 422, "invalid_post_roll"),
        (#"{"sessionId":"../etc"}"#, 422, "invalid_session_id"),
        (#"{"sessionId":"sessions"}"#, 422, "invalid_session_id"),
        (#"{"sessionId":"a-b","streamPath":"c"}"#, 422, "invalid_stream_path"),
        (#"{"source":"webcam"}"#, 422, "invalid_source"),
        (#"{"source":"camera"}"#, 422, "camera_unavailable"),
        (#"{"source":"camera","device":"/etc/passwd"}"#, 422, "invalid_device"),
        (#"{"source":"pull"}"#, 422, "invalid_source_url"),
        (#"{"source":"pull","url":"file:///etc/passwd"}"#, 422, "invalid_source_url"),
        (#"{"source":"ftp://camera/stream"}"#, 422, "invalid_source_url"),
        (#"{"source":"rtsp://"}"#, 422, "invalid_source_url"),
        (#"{"source":"rtsp://a/x","url":"rtsp://b/y"}"#, 422, "invalid_source"),
        (#"{"source":"testsrc","url":"rtsp://camera/stream"}"#, 422, "invalid_source"),
        (#"{"url":42}"#, 400, "wrong_type"),
        (#"{"source":"http://127.0.0.1:9/unreachable"}"#, 422, "source_unreachable"),
    ] as [(String, Int, String)])
    func badStartRequestsAreRefusedWithoutState(body: String, status: Int, code: String) async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let response = try await client.send(.post, "/sessions", json: body)
            #expect(response.status.code == status)
            #expect(response.errorCode == code)
            #expect(((response.json["error"] as? [String: Any])?["message"] as? String)?.isEmpty == false)
            #expect(await daemon.manager.activeCount == 0)
            let recordings = daemon.dataDirectory.appendingPathComponent("recordings").path
            if FileManager.default.fileExists(atPath: recordings) {
                #expect(try FileManager.default.contentsOfDirectory(atPath: recordings).isEmpty)
            }
        }
    }

    /// A publish session exists at once, waits for its publisher, and can be closed before one came:
    /// it ends completed with an ended, empty playlist (every ended session has one).
    @Test func publishSessionWaitsAndClosesWithAnEndedPlaylist() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let started = try await client.send(.post, "/sessions", json: #"{"sessionId":"pub-1","source":"publish"}"#)
            #expect(started.status.code == 201)
            #expect(started.json["status"] as? String == "starting")
            #expect(started.json["source"] as? String == "publish")
            #expect(started.json["device_id"] as? String == "pub-1")
            #expect(started.json["reconnects"] as? Int == 0)
            #expect(await daemon.manager.activeCount == 1)
            let closed = try await client.send(.post, "/sessions/pub-1/close")
            #expect(closed.status.code == 200)
            #expect(closed.json["status"] as? String == "completed")
            let playlist = daemon.dataDirectory.appendingPathComponent("recordings/pub-1/index.m3u8")
            #expect(try String(contentsOf: playlist, encoding: .utf8).contains("#EXT-X-ENDLIST"))
            #expect(await daemon.manager.activeCount == 0)
        }
    }

    @Test func missingCameraNamesTheDeviceAndTheOSError() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let response = try await client.send(.post, "/sessions", json: #"{"source":"camera","device":"/dev/video-streamd-missing"}"#)
            #expect(response.status.code == 422)
            let message = (response.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("/dev/video-streamd-missing"))
            #expect(message.contains("No such file or directory"))
        }
    }

    @Test func oversizedBodyIs413() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let big = #"{"deviceId":""# + String(repeating: "x", count: 70_000) + #""}"#
            let response = try await client.send(.post, "/sessions", json: big)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "body_too_large")
        }
    }

    @Test func capacityAndFreeSpaceLimits() async throws {
        let full = try TestDaemon { $0.maxSessions = 1 }
        try await full.test { client in
            let r3 = try await client.send(.post, "/sessions", json: #"{"source":"testsrc"}"#)
            #expect(r3.status == .created)
            let refused = try await client.send(.post, "/sessions", json: #"{"source":"testsrc"}"#)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.errorCode == "too_many_sessions")
        }
        let cramped = try TestDaemon { $0.minFreeBytes = Int64.max / 2 }
        try await cramped.test { client in
            let refused = try await client.send(.post, "/sessions", json: #"{"source":"testsrc"}"#)
            #expect(refused.status.code == 507)
            #expect(refused.errorCode == "insufficient_storage")
        }
    }

    @Test(arguments: [
        ("/sessions?limit=0", 422, "invalid_limit"),
        ("/sessions?limit=501", 422, "invalid_limit"),
        ("/sessions?limit=ten", 400, "wrong_type"),
        ("/sessions?status=paused", 422, "invalid_status"),
        ("/sessions?before=..%2Fx", 422, "invalid_cursor"),
        ("/sessions/bad%20id", 404, "session_not_found"),
        ("/no/such/route/here", 404, "not_found"),
    ] as [(String, Int, String)])
    func badQueriesAndPaths(uri: String, status: Int, code: String) async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let response = try await client.send(.get, uri)
            #expect(response.status.code == status)
            #expect(response.errorCode == code)
        }
    }

    @Test func corsHeaderOnEveryResponse() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let ok = try await client.send(.get, "/healthz", headers: [.origin: "http://elsewhere.example"])
            #expect(ok.headers[.accessControlAllowOrigin] == "*")
            let missing = try await client.send(.get, "/sessions/nope", headers: [.origin: "http://elsewhere.example"])
            #expect(missing.headers[.accessControlAllowOrigin] == "*")
        }
    }
}

@Suite("methods")
struct MethodTests {
    @Test(arguments: [
        ("TRACE", "/healthz", "GET, HEAD, OPTIONS"),
        ("PUT", "/sessions", "GET, OPTIONS, POST"),
        ("PATCH", "/sessions/abc", "DELETE, GET, HEAD, OPTIONS"),
        ("GET", "/sessions/abc/close", "OPTIONS, POST"),
    ])
    func unsupportedMethodsAre405WithAllow(method: String, path: String, allow: String) async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let response = try await client.send(HTTPRequest.Method(method) ?? .get, path)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allow)
            #expect(response.errorCode == "method_not_allowed")
        }
    }
}
