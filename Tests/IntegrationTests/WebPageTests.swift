import Foundation
import Testing

/// The web page against the real daemon and a real recording, in real (headless) Chromium.
@Suite(.serialized, .enabled(if: WebPageDaemon.isAvailable, "STREAMD_BINARY / STREAMD_TEST_DATABASE_URL unset: run `make test`"))
struct WebPageTests {
    @Test func listsTheSessionAndPlaysItNatively() async throws {
        try await WebPageDaemon.with { daemon in
            let session = try await daemon.record(seconds: 4)
            let id = try #require(session["session_id"] as? String)
            let media = try #require(session["media_duration_sec"] as? Double)
            #expect(media >= 3.5, "a 4 s recording has \(media) s of media")
            let shots = try Self.screenshotDirectory()
            var written: [String] = []

            for (width, height, mobile) in [(1280, 800, false), (390, 844, true)] {
                // The list: the row of our session, with its status and poster.
                let file = shots.appendingPathComponent("list-\(width)x\(height).png")
                let list = try await WebPageChromium.open(
                    daemon.baseURL + "/", until: Self.row(id) + " && " + Self.row(id) + ".querySelector('img').complete",
                    print: "(r => r && {status: r.dataset.status, text: r.innerText, poster: r.querySelector('img').getAttribute('src'), posterShown: !r.querySelector('img').hidden && r.querySelector('img').naturalWidth > 0})(\(Self.row(id)))",
                    width: width, height: height, mobile: mobile, screenshot: file)
                #expect(list.ok, "the list at \(width)x\(height) does not show \(id)")
                let row = try #require(list.value as? [String: Any])
                #expect(row["status"] as? String == "completed")
                #expect((row["text"] as? String)?.contains(id) == true)
                #expect(row["poster"] as? String == "./\(id)/poster.jpg")
                #expect(row["posterShown"] as? Bool == true, "the poster of \(id) did not load")
                written.append(file.path)
            }

            for (width, height, mobile) in [(1280, 800, false), (390, 844, true)] {
                // The player: Chromium on Linux plays HLS natively; the page keeps the playhead in the DOM.
                let file = shots.appendingPathComponent("player-\(width)x\(height).png")
                let player = try await WebPageChromium.open(
                    daemon.baseURL + "/#/play/\(id)",
                    until: "Number(\(Self.playerState).dataset.currentTime) > 2.5 || \(Self.playerState).dataset.error",
                    print: "Object.assign({}, \(Self.playerState).dataset)",
                    width: width, height: height, mobile: mobile, screenshot: file, timeout: 30)
                let state = try #require(player.value as? [String: Any])
                #expect(state["hls"] as? String == "native", "Chromium reported no native HLS: \(state)")
                #expect(state["error"] == nil, "the player failed: \(state)")
                let current = Double(state["currentTime"] as? String ?? "") ?? 0
                #expect(player.ok && current > 2, "the player reached only \(current) s of \(id) at \(width)x\(height): \(state)")
                written.append(file.path)
            }
            print("web page screenshots:\n" + written.joined(separator: "\n"))
        }
    }

    static let playerState = "document.getElementById('player-state')"
    static func row(_ id: String) -> String { "document.querySelector('tr[data-session-id=\"\(id)\"]')" }

    @Test func pageIsSelfContainedAndRelative() async throws {
        try await WebPageDaemon.with { daemon in
            let page = try await daemon.request("GET", "/").text
            let index = try await daemon.request("GET", "/index.html").text
            #expect(page == index)
            // No third-party scripts or styles, and no absolute URLs into the server: it must work behind any prefix.
            #expect(!page.contains("<script src"))
            #expect(!page.contains("<link rel=\"stylesheet\""))
            for absolute in ["\"/sessions", "'/sessions", "`/sessions", "\"/healthz", "\"/openapi.yaml", "src=\"/"] {
                #expect(!page.contains(absolute), "the page uses the absolute URL \(absolute)")
            }
            #expect(page.contains("Authorization"))
            #expect(page.contains("next_before"))
            #expect(page.contains("application/vnd.apple.mpegurl"))
        }
    }

    /// `data/screenshots/` of the repository (git-ignored), found from this file.
    static func screenshotDirectory() throws -> URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/", !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory.deleteLastPathComponent()
        }
        let shots = directory.appendingPathComponent("data/screenshots", isDirectory: true)
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        return shots
    }
}
