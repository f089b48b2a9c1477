import Foundation
import StreamdTestSupport
import Testing

/// The audit's smaller findings, each as plain requests against the real binary: token comparison,
/// read token without API token, camera device paths, metrics and caching behind a read token, hard
/// links in a recording directory, the page's CSP, and the size and rate limits of a capture.
@Suite(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct ExposureTests {
    static let tokens = ["STREAMD_API_TOKEN": "api-secret-3", "STREAMD_READ_TOKEN": "read-secret-4"]
    static let writer = ["Authorization": "Bearer api-secret-3"]
    static let reader = ["Authorization": "Bearer read-secret-4"]

    @Test func onlyTheExactTokenIsAccepted() async throws {
        try await ServiceDaemon.with(environment: Self.tokens) { daemon in
            let body = #"{"source":"webcam"}"#
            for presented in ["api-secret-3" + String(repeating: "x", count: 256), "xapi-secret-3", "api-secret", "api-secret-3x", ""] {
                let reply = try await Curl.request("POST", daemon.baseURL + "/sessions", headers: [
                    "Authorization": "Bearer \(presented)", "Content-Type": "application/json",
                ], body: body)
                #expect(reply.status == 401, "token of \(presented.count) characters → \(reply.status)")
            }
            // The exact token gets past authentication (to the body check).
            let exact = try await Curl.request("POST", daemon.baseURL + "/sessions", headers: Self.writer.merging(["Content-Type": "application/json"]) { a, _ in a }, body: body)
            #expect(exact.status == 422)
        }
    }

    @Test func aReadTokenWithoutAnAPITokenIsRefused() async throws {
        guard let binary = ServiceTestEnvironment.binary else { return }
        var environment = ProcessInfo.processInfo.environment
        environment["STREAMD_API_TOKEN"] = nil
        environment["STREAMD_CONFIG"] = nil
        environment["STREAMD_READ_TOKEN"] = "read-only-secret"
        let check = try await ChildProcess.run(binary, ["check-config"], environment: environment, timeout: .seconds(30))
        #expect(check.status != 0)
        #expect(check.combined.contains("read_token"), "\(check.combined)")
        environment["STREAMD_LISTEN"] = "127.0.0.1:\(try FreePort.next())"
        environment["STREAMD_DATABASE_URL"] = "host=/nonexistent connect_timeout=1"
        let serve = try await ChildProcess.run(binary, ["serve"], environment: environment, timeout: .seconds(30))
        #expect(serve.status != 0, "serve started with a read token and no API token")
        #expect(serve.combined.contains("read_token"), "\(serve.combined)")
    }

    /// Only V4L2 character devices (major 81) are opened; everything else under /dev is refused with one
    /// message that says nothing about what the path is.
    @Test func onlyVideoDevicesAreAccepted() async throws {
        try await ServiceDaemon.with { daemon in
            let fifo = "/dev/shm/streamd-test-\(UUID().uuidString.prefix(8))"
            #expect(mkfifo(fifo, 0o600) == 0)
            defer { unlink(fifo) }
            for device in ["/dev/null", "/dev/zero", "/dev/tty", "/dev/fd/0", "/dev/fd/3", "/dev/stdin", fifo] {
                let reply = try await daemon.request("POST", "/sessions", json: #"{"source":"camera","device":"\#(device)"}"#)
                #expect(reply.status == 422, "\(device) → \(reply.status)")
                let error = try #require(reply.object()["error"] as? [String: Any])
                #expect(error["code"] as? String == "invalid_device", "\(device): \(error)")
                let message = error["message"] as? String ?? ""
                #expect(message.contains("not a V4L2 video device"), "\(device): \(message)")
                for leak in ["ioctl", "Inappropriate", "Permission", "FIFO", "regular", "No such"] {
                    #expect(!message.contains(leak), "\(device): \(message)")
                }
            }
            let missing = try await daemon.request("POST", "/sessions", json: #"{"source":"camera","device":"/dev/video-none"}"#)
            #expect(missing.status == 422)
            #expect(try await daemon.request("GET", "/healthz").status == 200)
        }
    }

    @Test func metricsAndCachingFollowTheReadToken() async throws {
        try await ServiceDaemon.with(environment: Self.tokens) { daemon in
            #expect(try await Curl.request("GET", daemon.baseURL + "/metrics").status == 401)
            #expect(try await Curl.request("GET", daemon.baseURL + "/metrics", headers: Self.reader).status == 200)
            #expect(try await Curl.request("GET", daemon.baseURL + "/healthz").status == 200)

            let created = try await Curl.request("POST", daemon.baseURL + "/sessions", headers: Self.writer.merging(["Content-Type": "application/json"]) { a, _ in a },
                                                 body: #"{"sessionId":"metered","source":"testsrc","width":160,"height":120,"fps":15,"durationSec":2}"#)
            #expect(created.status == 201, "\(created.body)")
            try await Eventually.until("metered to record frames", timeout: .seconds(30)) {
                try await Curl.request("GET", daemon.baseURL + "/metrics", headers: Self.reader).body.contains(#"session_id="metered""#)
            }
            try await Eventually.until("metered to complete", timeout: .seconds(30)) {
                try await Curl.request("GET", daemon.baseURL + "/sessions/metered", headers: Self.reader).json()["status"] as? String == "completed"
            }
            let after = try await Curl.request("GET", daemon.baseURL + "/metrics", headers: Self.reader).body
            #expect(!after.contains("metered"), "per-session series outlived the session:\n\(after.split(separator: "\n").filter { $0.contains("metered") }.joined(separator: "\n"))")

            for file in ["index.m3u8", "seg_00000.ts", "poster.jpg"] {
                let reply = try await Curl.request("GET", daemon.baseURL + "/metered/\(file)", headers: Self.reader, discardBody: true)
                #expect(reply.status == 200, "\(file) → \(reply.status)")
                #expect(reply.headers["cache-control"]?.hasPrefix("private") == true, "\(file): \(reply.headers["cache-control"] ?? "none")")
            }
        }
    }

    @Test func onlySingleLinkRegularFilesAreServed() async throws {
        try await ServiceStorage.with { storage in
            try await ServiceDaemon.with(storage: storage) { daemon in
                let session = try await daemon.record(seconds: 1)
                let id = try #require(session["session_id"] as? String)
                let outside = storage.root.appendingPathComponent("outside-secret.txt")
                try "not a recording".write(to: outside, atomically: true, encoding: .utf8)
                let directory = storage.recording(id)
                #expect(link(outside.path, directory.appendingPathComponent("leak.ts").path) == 0)
                #expect(link(outside.path, directory.appendingPathComponent("leak.m3u8").path) == 0)
                #expect(try await daemon.request("GET", "/\(id)/leak.ts").status == 404)
                #expect(try await daemon.request("GET", "/\(id)/leak.m3u8").status == 404)
                #expect(try await daemon.request("GET", "/\(id)/seg_00000.ts").status == 200)
                #expect(try await daemon.request("GET", "/\(id)/index.m3u8").status == 200)
            }
        }
    }

    @Test func thePageHasAContentSecurityPolicy() async throws {
        try await ServiceDaemon.with(config: ServiceDaemon.webPageConfig) { daemon in
            let page = try await daemon.request("GET", "/")
            let policy = try #require(page.headers["content-security-policy"])
            #expect(policy.contains("frame-ancestors 'none'"))
            #expect(policy.contains("script-src 'self'"))
            #expect(policy.contains("style-src 'self'"))
            #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
            // Nothing inline for the policy to block: the page's script and style are files of its own.
            #expect(!page.text.contains("<script>") && !page.text.contains("<style>") && !page.text.contains("style=\""))
            let script = try await daemon.request("GET", "/app.js")
            #expect(script.status == 200 && script.headers["content-type"]?.hasPrefix("text/javascript") == true)
            let style = try await daemon.request("GET", "/app.css")
            #expect(style.status == 200 && style.headers["content-type"]?.hasPrefix("text/css") == true)
            // The script runs under the policy in a real browser: it fills the list.
            let outcome = try await WebPageChromium.open(
                daemon.baseURL + "/", until: "!document.getElementById('empty').hidden",
                print: "document.getElementById('empty').hidden")
            #expect(outcome.ok, "the page's script did not run under its CSP")
        }
    }

    @Test func captureSizeAndRateAreBounded() async throws {
        try await ServiceDaemon.with { daemon in
            let cases: [(String, String)] = [
                (#"{"source":"testsrc","width":3840,"height":2160,"fps":60}"#, "invalid_width"),
                (#"{"source":"testsrc","width":1922}"#, "invalid_width"),
                (#"{"source":"testsrc","width":640,"height":1082}"#, "invalid_height"),
                (#"{"source":"testsrc","width":640,"height":480,"fps":31}"#, "invalid_fps"),
            ]
            for (body, code) in cases {
                let reply = try await daemon.request("POST", "/sessions", json: body)
                #expect(reply.status == 422, "\(body) → \(reply.status)")
                #expect((try reply.object()["error"] as? [String: Any])?["code"] as? String == code, "\(body): \(reply.text)")
            }
            let sessions = try await daemon.request("GET", "/sessions").object()["sessions"] as? [Any]
            #expect(sessions?.isEmpty == true, "a refused request left a session")
        }
    }
}
