import Foundation
import StreamdTestSupport
import Testing

/// The web page against the real daemon and a real recording, in real (headless) Chromium.
@Suite(.serialized, .enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct WebPageTests {
    @Test func listsTheSessionAndPlaysItNatively() async throws {
        try await ServiceDaemon.with(config: ServiceDaemon.webPageConfig) { daemon in
            let session = try await daemon.record(seconds: 4)
            let id = try #require(session["session_id"] as? String)
            let media = try #require(session["media_duration_sec"] as? Double)
            #expect(media >= 3.5, "a 4 s recording has \(media) s of media")
            let shots = try Self.screenshotDirectory()
            var written: [String] = []
            // A live session with a generated (long) id beside the finished one: its row has Watch and Stop,
            // the finished one's Play and Delete; none of them may be cut off.
            let live = try await daemon.startTestPattern()

            for (width, height, mobile) in [(1280, 800, false), (390, 844, true)] {
                // The list: the row of our session, with its status and poster.
                let file = shots.appendingPathComponent("list-\(width)x\(height).png")
                let list = try await WebPageChromium.open(
                    daemon.baseURL + "/", until: Self.row(id) + " && " + Self.row(id) + ".querySelector('img').complete && " + Self.row(live),
                    print: "({row: (r => r && {status: r.dataset.status, text: r.innerText, poster: r.querySelector('img').getAttribute('src'), posterShown: !r.querySelector('img').hidden && r.querySelector('img').naturalWidth > 0})(\(Self.row(id))), liveActions: \(Self.row(live)).querySelector('.actions').innerText, clipped: \(WebPageChromium.clippedElements)})",
                    width: width, height: height, mobile: mobile, screenshot: file)
                #expect(list.ok, "the list at \(width)x\(height) does not show \(id) and \(live)")
                let page = try #require(list.value as? [String: Any])
                #expect(page["clipped"] as? [String] == [], "cut off at \(width)x\(height): \(page["clipped"] ?? "?")")
                #expect((page["liveActions"] as? String)?.contains("Stop") == true)
                let row = try #require(page["row"] as? [String: Any])
                #expect(row["status"] as? String == "completed")
                #expect((row["text"] as? String)?.contains(id) == true)
                #expect(row["poster"] as? String == "./\(id)/poster.jpg")
                #expect(row["posterShown"] as? Bool == true, "the poster of \(id) did not load")
                written.append(file.path)
            }
            _ = try await daemon.request("POST", "/sessions/\(live)/close")

            for (width, height, mobile) in [(1280, 800, false), (390, 844, true)] {
                // The player: Chromium on Linux plays HLS natively; the page keeps the playhead in the DOM.
                let file = shots.appendingPathComponent("player-\(width)x\(height).png")
                let player = try await WebPageChromium.open(
                    daemon.baseURL + "/#/play/\(id)",
                    until: "Number(\(Self.playerState).dataset.currentTime) > 2.5 || \(Self.playerState).dataset.error",
                    print: "Object.assign({clipped: \(WebPageChromium.clippedElements)}, \(Self.playerState).dataset)",
                    width: width, height: height, mobile: mobile, screenshot: file, timeout: 30)
                let state = try #require(player.value as? [String: Any])
                #expect(state["clipped"] as? [String] == [], "cut off at \(width)x\(height): \(state["clipped"] ?? "?")")
                #expect(state["hls"] as? String == "native", "Chromium reported no native HLS: \(state)")
                #expect(state["error"] == nil, "the player failed: \(state)")
                let current = Double(state["currentTime"] as? String ?? "") ?? 0
                #expect(player.ok && current > 2, "the player reached only \(current) s of \(id) at \(width)x\(height): \(state)")
                written.append(file.path)
            }
            print("web page screenshots:\n" + written.joined(separator: "\n"))
        }
    }

    /// With both tokens configured the page meets 401 on its first read, asks for the token, keeps it, and
    /// then lists, starts (Bearer) and plays (`?token=`, which the served playlist carries to its segments).
    @Test func asksForTheTokenAndUsesIt() async throws {
        let tokens = ["STREAMD_API_TOKEN": "api-secret-1", "STREAMD_READ_TOKEN": "read-secret-2"]
        try await ServiceDaemon.with(config: ServiceDaemon.webPageConfig, environment: tokens) { daemon in
            let unauthorized = try await daemon.request("GET", "/sessions")
            #expect(unauthorized.status == 401)
            #expect(unauthorized.headers["www-authenticate"]?.hasPrefix("Bearer") == true)

            // A script of steps, run by polling: the list's 401 opens the form; the API token (good for reads
            // too) is entered; then a one-second test-pattern session is started from the form.
            let steps = """
                (() => {
                  const $ = (id) => document.getElementById(id), w = window;
                  if (!w.step && !$('token-form').hidden) {
                    w.step = 1; $('token-input').value = 'api-secret-1'; $('token-form').requestSubmit();
                  } else if (w.step === 1 && !$('empty').hidden) {
                    w.step = 2; const f = $('start-form');
                    f.source.value = 'testsrc'; f.durationSec.value = '1'; f.width.value = '320'; f.height.value = '240';
                    f.requestSubmit();
                  }
                  return w.step === 2 && /^Started /.test($('message').textContent);
                })()
                """
            let outcome = try await WebPageChromium.open(
                daemon.baseURL + "/", until: steps,
                print: "({message: document.getElementById('message').textContent, token: localStorage.getItem('streamd.token'), step: window.step || 0})")
            let value = try #require(outcome.value as? [String: Any])
            #expect(outcome.ok, "the token flow stopped: \(value)")
            #expect(value["token"] as? String == "api-secret-1")

            let list = try await daemon.request("GET", "/sessions?token=read-secret-2").object()
            let sessions = try #require(list["sessions"] as? [[String: Any]])
            let id = try #require(sessions.first?["session_id"] as? String)
            try await Eventually.until("\(id) to complete", timeout: .seconds(30), interval: .milliseconds(250)) {
                try await daemon.request("GET", "/sessions/\(id)?token=read-secret-2").object()["status"] as? String == "completed"
            }
            // A fresh profile has no token: the player asks for it, then plays with `?token=`.
            let play = """
                (() => {
                  const $ = (id) => document.getElementById(id), w = window;
                  if (!w.step && !$('token-form').hidden) {
                    w.step = 1; $('token-input').value = 'read-secret-2'; $('token-form').requestSubmit();
                  }
                  return Number($('player-state').dataset.currentTime) > 0.5 || $('player-state').dataset.error;
                })()
                """
            let player = try await WebPageChromium.open(
                daemon.baseURL + "/#/play/\(id)", until: play,
                print: "Object.assign({src: document.getElementById('video').getAttribute('src')}, document.getElementById('player-state').dataset)")
            let state = try #require(player.value as? [String: Any])
            #expect(player.ok && state["error"] == nil, "the player did not play with the read token: \(state)")
            #expect((state["src"] as? String)?.hasSuffix("index.m3u8?token=read-secret-2") == true)
        }
    }

    static let playerState = "document.getElementById('player-state')"
    static func row(_ id: String) -> String { "document.querySelector('tr[data-session-id=\"\(id)\"]')" }

    @Test func pageIsSelfContainedAndRelative() async throws {
        try await ServiceDaemon.with(config: ServiceDaemon.webPageConfig) { daemon in
            let html = try await daemon.request("GET", "/").text
            let index = try await daemon.request("GET", "/index.html").text
            #expect(html == index)
            // Only its own script and style, by relative URL (the CSP allows nothing else, nothing inline),
            // and no absolute URLs into the server: it must work behind any prefix.
            #expect(html.contains("<script src=\"app.js\"></script>"))
            #expect(html.contains("<link rel=\"stylesheet\" href=\"app.css\">"))
            #expect(!html.contains("<script>") && !html.contains("<style>"))
            let script = try await daemon.request("GET", "/app.js").text
            let page = html + script + (try await daemon.request("GET", "/app.css").text)
            for absolute in ["\"/sessions", "'/sessions", "`/sessions", "\"/healthz", "\"/openapi.yaml", "src=\"/", "href=\"/", "http://", "https://"] {
                #expect(!page.contains(absolute), "the page uses the absolute URL \(absolute)")
            }
            #expect(script.contains("Authorization"))
            #expect(script.contains("next_before"))
            #expect(script.contains("application/vnd.apple.mpegurl"))
        }
    }

    /// `data/screenshots/` of the repository (git-ignored), found from this file.
    static func screenshotDirectory() throws -> URL {
        let shots = ServiceTestEnvironment.repositoryRoot.appendingPathComponent("data/screenshots", isDirectory: true)
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        return shots
    }
}
