import Foundation
import StreamdTestSupport
import Testing

/// The page's device view and detection search against the real daemon, real recordings and real
/// (headless) Chromium. Pointer and key input are DOM events dispatched by the page's own script from
/// the `until` condition, one step per poll, so every step waits on what the page shows.
@Suite(.serialized, .enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct WebDeviceViewTests {
    static let device = "cam-web"

    /// Two recordings of one device, with the gap between them, as the timeline must show them.
    static func recordTwoSessions(_ daemon: ServiceDaemon, device: String = device, seconds: Double = 4) async throws -> [[String: Any]] {
        var sessions: [[String: Any]] = []
        for _ in 0..<2 {
            let id = try await daemon.startTestPattern(extra: #","deviceId":"\#(device)","durationSec":\#(seconds)"#)
            let ended = try await Eventually.value("\(id) to end", timeout: .seconds(60), interval: .milliseconds(250)) {
                let session = try await daemon.session(id)
                return ["completed", "failed", "interrupted"].contains(session["status"] as? String ?? "") ? session : nil
            }
            #expect(ended["status"] as? String == "completed", "\(id) ended as \(ended)")
            sessions.append(ended)
        }
        // The segment rows arrive through the journal: wait until the timeline has both spans.
        try await Eventually.until("two spans on the timeline of \(device)", timeout: .seconds(30), interval: .milliseconds(250)) {
            let timeline = try await daemon.request("GET", "/devices/\(device)/timeline").object()
            return (timeline["spans"] as? [[String: Any]])?.count == 2
        }
        return sessions
    }

    static let state = "document.getElementById('device-state')"
    static let spans = "document.querySelectorAll('#tl-spans .tl-span')"

    /// `pointer(type, x, y)` in the page: a mouse event on the timeline at viewport coordinates.
    static let pointer = """
        const pointer = (type, x, y) => document.getElementById('timeline').dispatchEvent(new PointerEvent(type,
          {clientX: x, clientY: y, bubbles: true, cancelable: true, pointerId: 1, pointerType: 'mouse', button: 0, buttons: type === 'pointerup' ? 0 : 1}));
        """

    @Test func showsTheSpansAndPlaysFromAClickOrTheKeyboard() async throws {
        try await ServiceDaemon.with(config: ServiceDaemon.webPageConfig) { daemon in
            let sessions = try await Self.recordTwoSessions(daemon)
            let ids = sessions.compactMap { $0["session_id"] as? String }
            let shots = try WebPageTests.screenshotDirectory()

            // The home view links the device.
            let home = try await WebPageChromium.open(
                daemon.baseURL + "/", until: "document.querySelector('#devices li[data-device-id=\"\(Self.device)\"] a')",
                print: "document.querySelector('#devices li[data-device-id=\"\(Self.device)\"] a').getAttribute('href')")
            #expect(home.ok && home.value as? String == "#/device/\(Self.device)", "the home view does not link the device: \(home.value ?? "nil")")

            // Desktop: a click in the middle of the first span plays the device playlist from that moment.
            let click = """
                (() => {
                  \(Self.pointer)
                  const w = window, st = \(Self.state), spans = \(Self.spans);
                  if (!w.step && spans.length === 2) {
                    w.step = 1;
                    const r = spans[0].getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
                    w.shown = [...spans].map((s) => ({session: s.dataset.sessionId, width: s.getBoundingClientRect().width}));
                    pointer('pointermove', x, y); pointer('pointerdown', x, y); pointer('pointerup', x, y);
                  }
                  return w.step === 1 && (Number(st.dataset.currentTime) > Number(st.dataset.seekTo) + 1 || st.dataset.error);
                })()
                """
            let desktop = shots.appendingPathComponent("device-1280x800.png")
            let played = try await WebPageChromium.open(
                daemon.baseURL + "/#/device/\(Self.device)", until: click,
                print: "Object.assign({shown: window.shown, clipped: \(WebPageChromium.clippedElements), playhead: !document.getElementById('tl-playhead').hidden}, \(Self.state).dataset)",
                screenshot: desktop, timeout: 45)
            let value = try #require(played.value as? [String: Any])
            #expect(played.ok && value["error"] == nil, "the click did not play: \(value)")
            let shown = value["shown"] as? [[String: Any]] ?? []
            #expect(shown.compactMap { $0["session"] as? String } == ids, "spans \(shown) for sessions \(ids)")
            #expect(shown.allSatisfy { ($0["width"] as? Double ?? 0) > 20 }, "the fitted view shows the spans too narrow: \(shown)")
            #expect(value["clipped"] as? [String] == [], "cut off: \(value["clipped"] ?? "?")")
            #expect((value["src"] as? String)?.hasPrefix("devices/\(Self.device)/index.m3u8?from=") == true)
            // It plays from the clicked moment: the wall clock of the playhead lies inside the first
            // recording, at or after the requested time less one segment.
            let requested = try #require((value["requested"] as? String).flatMap(Self.date))
            let wall = try #require((value["wall"] as? String).flatMap(Self.date), "no wall clock: \(value)")
            let first = try #require((sessions[0]["edge_start_ts"] as? Double).map { Date(timeIntervalSince1970: $0 / 1000) })
            #expect(wall.timeIntervalSince(requested) > -2.5 && wall.timeIntervalSince(first) > 0, "played \(wall) for a click at \(requested)")
            #expect(value["playhead"] as? Bool == true, "no playhead on the timeline")

            // A phone, by keyboard: Home puts the cursor on the first recording, Enter plays it.
            let keys = """
                (() => {
                  const w = window, st = \(Self.state), tl = document.getElementById('timeline');
                  const key = (k) => tl.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true, cancelable: true}));
                  if (!w.step && \(Self.spans).length === 2) { w.step = 1; tl.focus(); key('Home'); key('ArrowRight'); key('Enter'); }
                  return w.step === 1 && (Number(st.dataset.currentTime) > Number(st.dataset.seekTo) + 1 || st.dataset.error);
                })()
                """
            let phone = shots.appendingPathComponent("device-390x844.png")
            let keyed = try await WebPageChromium.open(
                daemon.baseURL + "/#/device/\(Self.device)", until: keys,
                print: "Object.assign({clipped: \(WebPageChromium.clippedElements), focused: document.activeElement.id, valuetext: document.getElementById('timeline').getAttribute('aria-valuetext')}, \(Self.state).dataset)",
                width: 390, height: 844, mobile: true, screenshot: phone, timeout: 45)
            let keyValue = try #require(keyed.value as? [String: Any])
            #expect(keyed.ok && keyValue["error"] == nil, "Enter did not play: \(keyValue)")
            #expect(keyValue["clipped"] as? [String] == [], "cut off at 390x844: \(keyValue["clipped"] ?? "?")")
            #expect(keyValue["focused"] as? String == "timeline")
            #expect((keyValue["valuetext"] as? String)?.hasSuffix(", recorded") == true, "aria-valuetext \(keyValue["valuetext"] ?? "nil")")
            print("device view screenshots:\n\(desktop.path)\n\(phone.path)")
        }
    }

    /// Drag across both recordings, then Export: the page fetches the MP4's first byte (200/206
    /// `video/mp4`) before it hands the URL to the browser's download.
    @Test func dragSelectsARangeAndExportsIt() async throws {
        try await ServiceDaemon.with(config: ServiceDaemon.webPageConfig) { daemon in
            _ = try await Self.recordTwoSessions(daemon)
            let drag = """
                (() => {
                  \(Self.pointer)
                  const w = window, st = \(Self.state), spans = \(Self.spans);
                  if (!w.step && spans.length === 2) {
                    w.step = 1;
                    const a = spans[0].getBoundingClientRect(), b = spans[1].getBoundingClientRect(), y = a.top + a.height / 2;
                    pointer('pointerdown', a.left + 2, y); pointer('pointermove', (a.left + b.right) / 2, y);
                    pointer('pointermove', b.right - 2, y); pointer('pointerup', b.right - 2, y);
                    w.selection = document.getElementById('selection-text').textContent;
                    document.getElementById('export').click();
                  }
                  return w.step === 1 && (st.dataset.export || st.dataset.exportError);
                })()
                """
            let file = try WebPageTests.screenshotDirectory().appendingPathComponent("device-export-1280x800.png")
            let outcome = try await WebPageChromium.open(
                daemon.baseURL + "/#/device/\(Self.device)", until: drag,
                print: "Object.assign({selection: window.selection, selected: !document.getElementById('tl-selection').hidden}, \(Self.state).dataset)",
                screenshot: file, timeout: 60)
            let value = try #require(outcome.value as? [String: Any])
            #expect(outcome.ok && value["exportError"] == nil, "the export failed: \(value)")
            #expect(value["selected"] as? Bool == true && (value["selection"] as? String)?.hasPrefix("Selected ") == true)
            let parts = (value["export"] as? String ?? "").split(separator: " ")
            #expect(parts.count == 3 && ["200", "206"].contains(parts[0]) && parts[1] == "video/mp4", "export answered \(value["export"] ?? "nil")")
            #expect((parts.last.flatMap { Int($0) } ?? 0) > 1000, "an export of two recordings is \(parts.last ?? "?") bytes")
            // The URL the download used answers the same file.
            let path = try #require(value["exportUrl"] as? String)
            let download = try await daemon.request("GET", "/" + path)
            #expect(download.status == 200 && download.headers["content-type"] == "video/mp4")
            #expect(download.headers["content-disposition"]?.hasPrefix("attachment") == true)
            #expect(download.body.count == Int(parts.last ?? "") ?? -1)
        }
    }

    /// Hovering a recorded moment shows its tile of the session's thumbnail sheet.
    @Test func hoverShowsTheThumbnailOfThatMoment() async throws {
        try await ServiceDaemon.with(config: ServiceDaemon.webPageConfig) { daemon in
            let sessions = try await Self.recordTwoSessions(daemon, seconds: 6)
            let id = try #require(sessions[1]["session_id"] as? String)
            let vtt = try await daemon.request("GET", "/sessions/\(id)/thumbnails.vtt")
            #expect(vtt.status == 200, "no thumbnails.vtt for \(id): \(vtt.status) \(vtt.text)")
            let hover = """
                (() => {
                  \(Self.pointer)
                  const spans = \(Self.spans);
                  if (spans.length === 2) {
                    const r = spans[1].getBoundingClientRect();
                    pointer('pointermove', r.left + r.width / 2, r.top + r.height / 2);
                  }
                  const hover = document.getElementById('tl-hover');
                  return !hover.hidden && hover.dataset.thumb;
                })()
                """
            let file = try WebPageTests.screenshotDirectory().appendingPathComponent("device-hover-1280x800.png")
            let outcome = try await WebPageChromium.open(
                daemon.baseURL + "/#/device/\(Self.device)", until: hover,
                print: "(t => ({thumb: document.getElementById('tl-hover').dataset.thumb, shown: !t.hidden, width: t.getBoundingClientRect().width, image: t.style.backgroundImage}))(document.getElementById('tl-thumb'))",
                screenshot: file, timeout: 45)
            let value = try #require(outcome.value as? [String: Any])
            #expect(outcome.ok && value["shown"] as? Bool == true, "no thumbnail on hover: \(value)")
            #expect((value["width"] as? Double ?? 0) > 40, "the tile is \(value["width"] ?? "?") px wide")
            let thumb = try #require(value["thumb"] as? String)
            #expect(thumb.hasPrefix("./\(id)/thumbnails-") && thumb.contains(".jpg#xywh="), "tile \(thumb)")
            let sheet = try await daemon.request("GET", "/" + String(thumb.dropFirst(2).prefix { $0 != "#" }))
            #expect(sheet.status == 200 && sheet.headers["content-type"] == "image/jpeg", "the sheet answered \(sheet.status)")
        }
    }

    /// A posted detection is found by label; playing it starts 5 s before it and draws its box over the
    /// picture while it plays around the detection.
    @Test func detectionSearchFindsAndPlaysWithTheBox() async throws {
        try await ServiceDaemon.with(config: ServiceDaemon.webPageConfig) { daemon in
            let session = try await daemon.record(seconds: 10)
            let id = try #require(session["session_id"] as? String)
            let posted = try await daemon.request("POST", "/sessions/\(id)/detections", json: """
                {"detections":[{"id":"web-1","offsetSec":6.5,"label":"person","confidence":0.91,"bbox":{"x":0.25,"y":0.2,"w":0.5,"h":0.6}},
                               {"id":"web-2","offsetSec":2,"label":"car","confidence":0.5}]}
                """)
            #expect(posted.status == 201, "POST detections answered \(posted.status): \(posted.text)")
            let play = """
                (() => {
                  const w = window, st = document.getElementById('search-state');
                  const item = document.querySelector('#search-results li[data-id="web-1"] button');
                  if (!w.step && item) { w.step = 1; w.count = document.querySelectorAll('#search-results li').length; item.click(); }
                  return w.step === 1 && (st.dataset.bbox === 'visible' || st.dataset.error);
                })()
                """
            let file = try WebPageTests.screenshotDirectory().appendingPathComponent("search-1280x800.png")
            let outcome = try await WebPageChromium.open(
                daemon.baseURL + "/#/search?label=person", until: play,
                print: """
                    (() => {
                      const v = document.getElementById('search-video').getBoundingClientRect(), b = document.getElementById('bbox').getBoundingClientRect();
                      const video = document.getElementById('search-video');
                      return Object.assign({count: window.count, box: [b.left - v.left, b.top - v.top, b.width, b.height],
                        element: [v.width, v.height], picture: [video.videoWidth, video.videoHeight],
                        clipped: \(WebPageChromium.clippedElements)}, document.getElementById('search-state').dataset);
                    })()
                    """,
                screenshot: file, timeout: 60)
            let value = try #require(outcome.value as? [String: Any])
            #expect(outcome.ok && value["error"] == nil, "the box did not appear: \(value)")
            #expect(value["count"] as? Int == 1, "label=person found \(value["count"] ?? "nil") detections")
            #expect(value["clipped"] as? [String] == [], "cut off: \(value["clipped"] ?? "?")")
            // Played from 5 s before: the seek target is about 1.5 s into the recording.
            let seek = Double(value["seekTo"] as? String ?? "") ?? -1
            #expect(seek > 0.5 && seek < 2.5, "played from \(seek) s, not 5 s before the detection at 6.5 s")
            // The box sits on the picture's content rect: letterboxed inside the element, scaled.
            let box = value["box"] as? [Double] ?? []
            let element = value["element"] as? [Double] ?? []
            let picture = value["picture"] as? [Double] ?? []
            if box.count == 4, element.count == 2, picture.count == 2, picture[0] > 0 {
                let scale = min(element[0] / picture[0], element[1] / picture[1])
                let (width, height) = (picture[0] * scale, picture[1] * scale)
                let (left, top) = ((element[0] - width) / 2, (element[1] - height) / 2)
                for (got, want) in zip(box, [left + 0.25 * width, top + 0.2 * height, 0.5 * width, 0.6 * height]) {
                    #expect(abs(got - want) < 3, "box \(box) for the picture \(width)x\(height) at \(left),\(top)")
                }
            } else {
                Issue.record("no geometry: \(value)")
            }

            // The device's timeline marks both detections, coloured by label, with a legend.
            let device = try #require(session["device_id"] as? String)
            let marks = try await WebPageChromium.open(
                daemon.baseURL + "/#/device/\(device)", until: "document.querySelectorAll('#tl-marks .tl-mark').length === 2",
                print: "({labels: [...document.querySelectorAll('#tl-marks .tl-mark')].map((m) => m.dataset.label).sort(), colours: new Set([...document.querySelectorAll('#tl-marks .tl-mark')].map((m) => m.style.background)).size, legend: document.getElementById('tl-legend').textContent})",
                screenshot: try WebPageTests.screenshotDirectory().appendingPathComponent("device-marks-1280x800.png"))
            let marked = try #require(marks.value as? [String: Any])
            #expect(marks.ok && marked["labels"] as? [String] == ["car", "person"], "markers: \(marked)")
            #expect(marked["colours"] as? Int == 2 && (marked["legend"] as? String)?.contains("person (1)") == true, "markers: \(marked)")
        }
    }

    /// Two nodes on one database: A's page plays B's recording from B itself (its playlist_url's
    /// base) and stops B's live session with a POST straight to B, not through a redirect (§12).
    @Test func anotherNodesSessionIsPlayedAndStoppedAtItsOwner() async throws {
        try await MultiNodeTests.withTwoStorages { storageA, storageB in
            try await ServiceDaemon.with(storage: storageA, config: MultiNodeTests.config, environment: ["STREAMD_NODE_ID": "node-a"]) { a in
                try await ServiceDaemon.with(storage: storageB, config: MultiNodeTests.config, environment: ["STREAMD_NODE_ID": "node-b"]) { b in
                    // A's page may reach B once A knows B (its heartbeat), which A's CSP then lists.
                    try await Eventually.until("node-a to know node-b", timeout: .seconds(30), interval: .milliseconds(250)) {
                        let csp = try await a.request("GET", "/").headers["content-security-policy"] ?? ""
                        return csp.contains("connect-src 'self'") && csp.contains(b.baseURL)
                    }
                    let id = try await b.startTestPattern(extra: #","deviceId":"dev-b""#)
                    try await b.waitForSegments(id, atLeast: 2)

                    let player = try await WebPageChromium.open(
                        a.baseURL + "/#/play/\(id)",
                        until: "Number(\(WebPageTests.playerState).dataset.currentTime) > 1 || \(WebPageTests.playerState).dataset.error",
                        print: "Object.assign({src: document.getElementById('video').getAttribute('src')}, \(WebPageTests.playerState).dataset)",
                        timeout: 45)
                    let state = try #require(player.value as? [String: Any])
                    #expect(player.ok && state["error"] == nil, "A's page did not play B's session: \(state)")
                    // A live session plays its sliding window (`live.m3u8`), from the owner all the same.
                    #expect(state["src"] as? String == "\(b.baseURL)/\(id)/live.m3u8", "played from \(state["src"] ?? "nil")")

                    let stop = """
                        (() => {
                          const w = window, row = \(WebPageTests.row(id));
                          if (!w.step && row) {
                            w.step = 1; w.poster = row.querySelector('img').getAttribute('src');
                            [...row.querySelectorAll('button')].find((b) => b.textContent === 'Stop').click();
                          }
                          const message = document.getElementById('message').textContent;
                          return w.step === 1 && message !== '' && !message.startsWith('Stopping');
                        })()
                        """
                    let stopped = try await WebPageChromium.open(
                        a.baseURL + "/", until: stop,
                        print: "({message: document.getElementById('message').textContent, poster: window.poster})", timeout: 45)
                    let value = try #require(stopped.value as? [String: Any])
                    #expect(stopped.ok && (value["message"] as? String)?.hasPrefix("Stopped ") == true, "Stop on A's page: \(value)")
                    #expect((value["poster"] as? String)?.hasPrefix("\(b.baseURL)/\(id)/poster.jpg") == true, "poster \(value["poster"] ?? "nil")")
                    #expect(try await b.session(id)["status"] as? String == "completed")
                }
            }
        }
    }

    static func date(_ text: String) -> Date? {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return format.date(from: text)
    }
}
