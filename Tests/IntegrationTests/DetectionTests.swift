import Foundation
import StreamdTestSupport
import Testing

/// Detections (§11) through the real binary and PostgreSQL: batches of 1000, every validation rule
/// with nothing inserted, idempotent retries, the searches' filters and cursors, playback, DELETE.
@Suite(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct DetectionTests {
    /// A completed test-pattern recording: its id, device, first and last frame (epoch ms).
    struct Recorded {
        let id: String
        let deviceId: String
        let startMs: Int64
        let endMs: Int64
    }

    static func recordSession(_ daemon: ServiceDaemon, deviceId: String) async throws -> Recorded {
        let id = try await daemon.startTestPattern(extra: #","durationSec":3,"deviceId":"\#(deviceId)""#)
        let ended = try await Eventually.value("\(id) to end", timeout: .seconds(90), interval: .milliseconds(250)) { () -> [String: Any]? in
            let session = try await daemon.session(id)
            return ["completed", "failed", "interrupted"].contains(session["status"] as? String ?? "") ? session : nil
        }
        let start = try #require((ended["edge_start_ts"] as? NSNumber)?.int64Value, "\(ended)")
        let end = try #require((ended["edge_end_ts"] as? NSNumber)?.int64Value, "\(ended)")
        #expect(ended["status"] as? String == "completed", "\(ended)")
        return Recorded(id: id, deviceId: deviceId, startMs: start, endMs: end)
    }

    /// `count` items with ids `<prefix><n>`, spread over the session, labels person/car alternating.
    static func batch(_ recorded: Recorded, count: Int, prefix: String = "d") -> String {
        let span = max(1, recorded.endMs - recorded.startMs)
        let items = (0..<count).map { n in
            let ts = recorded.startMs + span * Int64(n) / Int64(count)
            let label = n % 2 == 0 ? "person" : "car"
            let confidence = Double(n % 100) / 100
            return #"{"id":"\#(prefix)\#(n)","ts":\#(ts),"label":"\#(label)","confidence":\#(confidence),"bbox":{"x":0.1,"y":0.2,"w":0.3,"h":0.4},"attributes":{"n":\#(n),"color":"red"}}"#
        }
        return #"{"detections":[\#(items.joined(separator: ","))]}"#
    }

    static func count(_ storage: ServiceStorage, _ sessionId: String) async throws -> Int {
        Int(try await ChildProcess.psql(storage.conninfo, "SELECT count(*) FROM detections WHERE session_id = '\(sessionId)'")) ?? -1
    }

    static func post(_ daemon: ServiceDaemon, _ sessionId: String, _ body: String) async throws -> Curl.Reply {
        let file = daemon.storage.root.appendingPathComponent("batch-\(UUID().uuidString).json")
        try body.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await Curl.request("POST", daemon.baseURL + "/sessions/\(sessionId)/detections",
                                      headers: ["Content-Type": "application/json"], body: "@" + file.path, timeout: 30)
    }

    @Test func batchesAreValidatedAllOrNoneIdempotentSearchableAndDeletedWithTheirSession() async throws {
        try await ServiceStorage.with { storage in
            try await ServiceDaemon.with(storage: storage, config: ServiceDaemon.smallConfig) { daemon in
                let recorded = try await Self.recordSession(daemon, deviceId: "cam-det")

                // 1000 items in one batch, then the same batch again: the retry inserts nothing.
                let full = Self.batch(recorded, count: 1000)
                let first = try await Self.post(daemon, recorded.id, full)
                #expect(first.status == 201, "\(first.body)")
                #expect(try first.json()["inserted"] as? Int == 1000)
                let retry = try await Self.post(daemon, recorded.id, full)
                #expect(retry.status == 201)
                #expect(try retry.json()["inserted"] as? Int == 0)
                #expect(try await Self.count(storage, recorded.id) == 1000)

                // A batch repeating an id inside itself, with one new item: the first write wins.
                let mid = (recorded.startMs + recorded.endMs) / 2
                let repeated = #"{"detections":[{"id":"x1","ts":\#(mid),"label":"dog","confidence":0.5},{"id":"x1","ts":\#(mid),"label":"cat","confidence":0.9},{"id":"d3","ts":\#(mid),"label":"dog","confidence":0.5}]}"#
                let once = try await Self.post(daemon, recorded.id, repeated)
                let onceInserted = try once.json()["inserted"] as? Int
                #expect(once.status == 201 && onceInserted == 1, "\(once.body)")
                let dogs = try await Curl.request("GET", daemon.baseURL + "/sessions/\(recorded.id)/detections?label=dog").json()
                #expect((dogs["detections"] as? [[String: Any]])?.map { $0["id"] as? String } == ["x1"])
                let total = 1001

                try await Self.refusals(daemon, storage, recorded, expectCount: total)
                try await Self.paging(daemon, recorded, total: total)
                try await Self.offsetAndPlayback(daemon, storage, recorded)

                let metrics = try await Curl.request("GET", daemon.baseURL + "/metrics")
                // Every series also carries the node's label (§12).
                #expect(metrics.body.split(separator: "\n").contains { $0.hasPrefix(#"streamd_detections_total{label="person","#) && $0.hasSuffix(" 500") }, "\(metrics.body.split(separator: "\n").filter { $0.contains("detections") })")

                // The CLI lists them from the running daemon.
                let binary = try #require(ServiceTestEnvironment.binary)
                let cli = try await ChildProcess.run(binary, ["detections", "list", "--server", daemon.baseURL, "--label", "truck", "--urls"])
                #expect(cli.status == 0 && cli.output.contains("by-offset") && cli.output.contains("/devices/cam-det/index.m3u8"), "\(cli.combined)")
                let session = try await ChildProcess.run(binary, ["detections", "list", "--server", daemon.baseURL, "--session", recorded.id, "--limit", "2"])
                #expect(session.status == 0 && session.output.split(separator: "\n").count == 3 && session.errors.contains("more: --cursor"), "\(session.combined)")

                // DELETE removes the rows with the session.
                #expect(try await daemon.request("DELETE", "/sessions/\(recorded.id)").status == 204)
                try await Eventually.until("the detections of \(recorded.id) to go", timeout: .seconds(30)) {
                    try await Self.count(storage, recorded.id) == 0
                }
                let after = try await Curl.request("GET", daemon.baseURL + "/detections?deviceId=cam-det").json()
                #expect((after["detections"] as? [Any])?.isEmpty == true)
            }
        }
    }

    /// Each rule of §11 with its status and code, naming the item and field, and nothing inserted.
    static func refusals(_ daemon: ServiceDaemon, _ storage: ServiceStorage, _ recorded: Recorded, expectCount: Int) async throws {
        let ts = recorded.startMs + 500
        let valid = #"{"id":"ok-1","ts":\#(ts),"label":"person","confidence":0.5}"#
        func with(_ item: String) -> String { #"{"detections":[\#(valid),\#(item)]}"# }
        let cases: [(String, String, Int, String, String)] = [
            ("empty batch", #"{"detections":[]}"#, 422, "invalid_batch", "1 to 1000"),
            ("1001 items", batch(recorded, count: 1001, prefix: "big"), 422, "invalid_batch", "1001"),
            ("no detections array", #"{"items":[]}"#, 400, "wrong_type", "detections"),
            ("malformed JSON", #"{"detections":[{"#, 400, "invalid_json", "JSON"),
            ("empty label", with(#"{"ts":\#(ts),"label":"","confidence":0.5}"#), 422, "invalid_label", "detections[1].label"),
            ("long label", with(#"{"ts":\#(ts),"label":"\#(String(repeating: "a", count: 65))","confidence":0.5}"#), 422, "invalid_label", "detections[1].label"),
            ("control character in label", with(#"{"ts":\#(ts),"label":"a\u0007b","confidence":0.5}"#), 422, "invalid_label", "detections[1].label"),
            ("label not a string", with(#"{"ts":\#(ts),"label":5,"confidence":0.5}"#), 400, "wrong_type", "detections[1].label"),
            ("confidence above 1", with(#"{"ts":\#(ts),"label":"a","confidence":1.5}"#), 422, "invalid_confidence", "detections[1].confidence"),
            ("negative confidence", with(#"{"ts":\#(ts),"label":"a","confidence":-0.1}"#), 422, "invalid_confidence", "detections[1].confidence"),
            ("confidence a string", with(#"{"ts":\#(ts),"label":"a","confidence":"high"}"#), 400, "wrong_type", "detections[1].confidence"),
            ("bbox value out of range", with(#"{"ts":\#(ts),"label":"a","confidence":0.5,"bbox":{"x":-0.1,"y":0,"w":0.1,"h":0.1}}"#), 422, "invalid_bbox", "detections[1].bbox.x"),
            ("bbox x+w over 1", with(#"{"ts":\#(ts),"label":"a","confidence":0.5,"bbox":{"x":0.6,"y":0,"w":0.5,"h":0.1}}"#), 422, "invalid_bbox", "x + w"),
            ("bbox y+h over 1", with(#"{"ts":\#(ts),"label":"a","confidence":0.5,"bbox":{"x":0,"y":0.7,"w":0.1,"h":0.4}}"#), 422, "invalid_bbox", "y + h"),
            ("bbox missing h", with(#"{"ts":\#(ts),"label":"a","confidence":0.5,"bbox":{"x":0,"y":0,"w":0.1}}"#), 422, "invalid_bbox", "detections[1].bbox.h"),
            ("attributes 4 KiB", with(#"{"ts":\#(ts),"label":"a","confidence":0.5,"attributes":{"k":"\#(String(repeating: "v", count: 4100))"}}"#), 422, "invalid_attributes", "detections[1].attributes"),
            ("attributes not an object", with(#"{"ts":\#(ts),"label":"a","confidence":0.5,"attributes":[1]}"#), 400, "wrong_type", "detections[1].attributes"),
            ("empty id", with(#"{"id":"","ts":\#(ts),"label":"a","confidence":0.5}"#), 422, "invalid_id", "detections[1].id"),
            ("long id", with(#"{"id":"\#(String(repeating: "i", count: 65))","ts":\#(ts),"label":"a","confidence":0.5}"#), 422, "invalid_id", "detections[1].id"),
            ("no time", with(#"{"label":"a","confidence":0.5}"#), 422, "missing_time", "detections[1]"),
            ("ts and offsetSec", with(#"{"ts":\#(ts),"offsetSec":1,"label":"a","confidence":0.5}"#), 422, "invalid_time", "detections[1]"),
            ("unparsable ts", with(#"{"ts":"yesterday","label":"a","confidence":0.5}"#), 422, "invalid_time", "detections[1].ts"),
            ("ts before the session", with(#"{"ts":\#(recorded.startMs - 6000),"label":"a","confidence":0.5}"#), 422, "outside_session", "detections[1].ts"),
            ("ts after the session", with(#"{"ts":"\#(iso(recorded.endMs + 6000))","label":"a","confidence":0.5}"#), 422, "outside_session", "detections[1].ts"),
            ("offset after the session", with(#"{"offsetSec":600,"label":"a","confidence":0.5}"#), 422, "outside_session", "detections[1].offsetSec"),
            ("negative offset", with(#"{"offsetSec":-1,"label":"a","confidence":0.5}"#), 422, "invalid_offset", "detections[1].offsetSec"),
        ]
        for (name, body, status, code, mention) in cases {
            let reply = try await post(daemon, recorded.id, body)
            #expect(reply.status == status, "\(name): \(reply.status) \(reply.body)")
            #expect(reply.errorCode == code, "\(name): \(reply.body)")
            let message = ((try? reply.json())?["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains(mention), "\(name): \(message)")
        }
        // Inside the ±5 s tolerance is accepted (and the valid item of every refused batch was not stored).
        #expect(try await count(storage, recorded.id) == expectCount)
        #expect(try await daemon.request("GET", "/sessions/\(recorded.id)/detections?label=a").object()["detections"] as? [Any] != nil)

        // Over 1 MiB: 413 before the body is read. Just under 64 KiB would have been refused by any other route.
        let huge = #"{"detections":[{"ts":\#(ts),"label":"a","confidence":0.5,"attributes":{"k":"\#(String(repeating: "v", count: 1_100_000))"}}]}"#
        let tooLarge = try await post(daemon, recorded.id, huge)
        #expect(tooLarge.status == 413 && tooLarge.errorCode == "body_too_large", "\(tooLarge.status) \(tooLarge.body)")
        let missing = try await post(daemon, "no-such-session", #"{"detections":[\#(valid)]}"#)
        #expect(missing.status == 404 && missing.errorCode == "session_not_found", "\(missing.body)")
        #expect(try await count(storage, recorded.id) == expectCount)

        // Bad search parameters answer contract errors.
        for (query, status, code) in [("limit=0", 422, "invalid_limit"), ("limit=1001", 422, "invalid_limit"), ("limit=x", 400, "wrong_type"),
                                      ("minConfidence=2", 422, "invalid_confidence"), ("minConfidence=high", 400, "wrong_type"),
                                      ("before=%21%21", 422, "invalid_cursor"), ("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", 422, "invalid_range"),
                                      ("from=yesterday", 422, "invalid_time")] {
            let reply = try await Curl.request("GET", daemon.baseURL + "/detections?\(query)")
            #expect(reply.status == status && reply.errorCode == code, "\(query): \(reply.status) \(reply.body)")
        }
        let badAfter = try await Curl.request("GET", daemon.baseURL + "/sessions/\(recorded.id)/detections?after=nope")
        #expect(badAfter.status == 422 && badAfter.errorCode == "invalid_cursor", "\(badAfter.body)")
    }

    /// Every item once, in order, through both cursors and the filters.
    static func paging(_ daemon: ServiceDaemon, _ recorded: Recorded, total: Int) async throws {
        func pages(_ path: String, cursorName: String, parameter: String) async throws -> [[String: Any]] {
            var items: [[String: Any]] = []
            var cursor: String?
            for _ in 0..<100 {
                let separator = path.contains("?") ? "&" : "?"
                let url = daemon.baseURL + path + (cursor.map { "\(separator)\(parameter)=\($0)" } ?? "")
                let page = try await Curl.request("GET", url).json()
                items += page["detections"] as? [[String: Any]] ?? []
                guard let next = page[cursorName] as? String else { return items }
                cursor = next
            }
            throw ServiceTestFailure("more than 100 pages at \(path)")
        }
        let sessionItems = try await pages("/sessions/\(recorded.id)/detections?limit=137", cursorName: "next_after", parameter: "after")
        #expect(sessionItems.count == total)
        #expect(Set(sessionItems.compactMap { $0["id"] as? String }).count == total)
        let times = sessionItems.compactMap { $0["ts"] as? String }
        #expect(times == times.sorted(), "oldest first")

        let persons = try await pages("/detections?label=person&deviceId=cam-det&limit=77", cursorName: "next_before", parameter: "before")
        #expect(persons.count == 500)
        #expect(Set(persons.compactMap { $0["id"] as? String }).count == 500)
        let personTimes = persons.compactMap { $0["ts"] as? String }
        #expect(personTimes == personTimes.sorted(by: >), "newest first")
        #expect(persons.allSatisfy { $0["label"] as? String == "person" && $0["device_id"] as? String == "cam-det" })

        let confident = try await pages("/detections?minConfidence=0.9&deviceId=cam-det&limit=1000", cursorName: "next_before", parameter: "before")
        #expect(confident.count == 100, "confidence 0.90–0.99 of 1000")
        let lastSecond = try await pages("/detections?deviceId=cam-det&from=\(recorded.endMs - 1000)&to=\(recorded.endMs)&limit=50", cursorName: "next_before", parameter: "before")
        let expected = (0..<1000).filter { n in
            let ts = recorded.startMs + max(1, recorded.endMs - recorded.startMs) * Int64(n) / 1000
            return ts >= recorded.endMs - 1000
        }.count
        #expect(lastSecond.count == expected)
        let otherDevice = try await Curl.request("GET", daemon.baseURL + "/detections?deviceId=cam-other").json()
        #expect((otherDevice["detections"] as? [Any])?.isEmpty == true)
        #expect(otherDevice.keys.contains("next_before") && otherDevice["next_before"] is NSNull)
    }

    /// `offsetSec` is placed through the segments' PROGRAM-DATE-TIME; `playback_url` plays; the timeline shows it.
    static func offsetAndPlayback(_ daemon: ServiceDaemon, _ storage: ServiceStorage, _ recorded: Recorded) async throws {
        let reply = try await post(daemon, recorded.id, #"{"detections":[{"id":"by-offset","offsetSec":1.5,"label":"truck","confidence":0.7}]}"#)
        #expect(reply.status == 201, "\(reply.body)")
        let segments = try await Curl.request("GET", daemon.baseURL + "/sessions/\(recorded.id)/segments").json()["segments"] as? [[String: Any]] ?? []
        let sorted = segments.sorted { ($0["seq"] as? Int ?? 0) < ($1["seq"] as? Int ?? 0) }
        var media = 0.0
        var expectedTs: Date?
        for segment in sorted {
            let duration = segment["duration_sec"] as? Double ?? 0
            if 1.5 >= media && 1.5 < media + duration, let start = segment["starts_at"] as? String {
                expectedTs = parseISO(start)?.addingTimeInterval(1.5 - media)
            }
            media += duration
        }
        let found = try await Curl.request("GET", daemon.baseURL + "/sessions/\(recorded.id)/detections?label=truck").json()
        let item = try #require((found["detections"] as? [[String: Any]])?.first, "\(found)")
        #expect(item["offset_sec"] as? Double == 1.5)
        let ts = try #require(parseISO(item["ts"] as? String ?? ""))
        let wanted = try #require(expectedTs, "no segment holds media second 1.5: \(segments)")
        #expect(abs(ts.timeIntervalSince(wanted)) < 0.002, "ts \(ts) vs \(wanted)")
        #expect(item["device_id"] as? String == recorded.deviceId)
        #expect((item["attributes"] as? [String: Any])?.isEmpty == true)

        let search = try await Curl.request("GET", daemon.baseURL + "/detections?label=truck").json()
        let hit = try #require((search["detections"] as? [[String: Any]])?.first)
        let url = try #require(hit["playback_url"] as? String)
        #expect(url.hasPrefix(daemon.baseURL + "/devices/\(recorded.deviceId)/index.m3u8?from="), "\(url)")
        let probe = try await ChildProcess.run("/usr/bin/env", [
            "ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", url,
        ], timeout: .seconds(60))
        let frames = probe.output.split(whereSeparator: \.isNewline).compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.first ?? 0
        #expect(probe.status == 0 && frames > 0, "ffprobe \(url): \(probe.combined)")

        let timeline = try await Curl.request("GET", daemon.baseURL + "/devices/\(recorded.deviceId)/timeline?from=\(recorded.startMs - 1000)&to=\(recorded.endMs + 1000)").json()
        let markers = timeline["detections"] as? [[String: Any]] ?? []
        #expect(markers.count == 1000, "the window's first 1000 of its 1002 detections (the timeline's cap)")
        let markerTimes = markers.compactMap { $0["ts"] as? String }
        #expect(markerTimes == markerTimes.sorted(), "oldest first")
        #expect(markers.contains { $0["label"] as? String == "truck" && $0["session_id"] as? String == recorded.id && $0["confidence"] as? Double == 0.7 })
    }

    static func iso(_ ms: Int64) -> String {
        Date(timeIntervalSince1970: Double(ms) / 1000).formatted(.iso8601)
    }

    static func parseISO(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
