import Foundation
import StreamdTestSupport
import Testing

/// Two real daemons on one PostgreSQL database with separate data directories (§12): each lists the
/// other's sessions, redirects land on the owner and play there, close and delete go to the owner,
/// a crash of one is left to its own restart, and a node id runs at most once.
@Suite(.serialized, .enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct MultiNodeTests {
    /// Heartbeats every second, so GET /nodes fills within a test's patience.
    static let config = ServiceDaemon.smallConfig + "\nheartbeat_interval_sec: 1\n"

    @Test func eachNodeAnswersForTheOtherAndRedirectsToTheOwner() async throws {
        try await Self.withTwoStorages { storageA, storageB in
            try await ServiceDaemon.with(storage: storageA, config: Self.config, environment: ["STREAMD_NODE_ID": "node-a"]) { a in
                try await ServiceDaemon.with(storage: storageB, config: Self.config, environment: ["STREAMD_NODE_ID": "node-b"]) { b in
                    try await Self.checkNodes(a, b)
                    let listing = try await ChildProcess.run(ServiceTestEnvironment.binary ?? "", ["nodes", "--server", b.baseURL])
                    #expect(listing.status == 0 && listing.output.contains("node-a") && listing.output.contains(a.baseURL),
                            "streamd nodes: \(listing.combined)")
                    let idA = try await Self.recordedSession(on: a, deviceId: "dev-a")
                    let idB = try await b.startTestPattern(extra: #","deviceId":"dev-b""#)
                    try await b.waitForSegments(idB, atLeast: 1)

                    // Each lists the other's sessions; playlist_url is the owner's.
                    let listedOnB = try await Self.sessions(on: b)
                    #expect(listedOnB[idA]?["node"] as? String == "node-a")
                    #expect(listedOnB[idA]?["playlist_url"] as? String == "\(a.baseURL)/\(idA)/index.m3u8")
                    let listedOnA = try await Self.sessions(on: a)
                    #expect(listedOnA[idB]?["node"] as? String == "node-b")
                    #expect(try await b.session(idA)["status"] as? String == "completed")

                    try await Self.checkRedirects(from: b, to: a, sessionId: idA)
                    try await Self.checkDevicePlaylist(on: b, owner: a, deviceId: "dev-a", sessionId: idA)
                    try await Self.checkCrossNodeCORS(a, b)

                    // Close through the other node, with the CLI: it follows the 307 itself.
                    let cli = try await ChildProcess.run(ServiceTestEnvironment.binary ?? "", ["sessions", "close", idB, "--server", a.baseURL])
                    #expect(cli.status == 0, "streamd sessions close exited \(cli.status): \(cli.combined)")
                    #expect(cli.output.contains("status:") && cli.output.contains("completed"), "\(cli.output)")
                    #expect(try await b.session(idB)["status"] as? String == "completed")
                    #expect(try HLSPlaylist(directory: storageB.recording(idB)).hasEndList)

                    // Delete through the other node: 307 to the owner, which removes files and row.
                    let redirected = try await Curl.request("DELETE", "\(b.baseURL)/sessions/\(idA)")
                    #expect(redirected.status == 307)
                    #expect(FileManager.default.fileExists(atPath: storageA.recording(idA).path), "a redirect must not delete anything")
                    let deleted = try await Curl.request("DELETE", redirected.headers["location"] ?? "")
                    #expect(deleted.status == 204, "DELETE at the owner answered \(deleted.status): \(deleted.body)")
                    #expect(!FileManager.default.fileExists(atPath: storageA.recording(idA).path))
                    #expect(try await b.request("GET", "/sessions/\(idA)").status == 404)

                    let metrics = try await a.request("GET", "/metrics").text
                    #expect(metrics.contains(#"node="node-a""#), "metrics carry no node label:\n\(metrics.prefix(2000))")
                    #expect(!metrics.contains(#"node="node-b""#))
                }
            }
        }
    }

    @Test func aCrashedNodeIsLeftToItsOwnRestart() async throws {
        try await Self.withTwoStorages { storageA, storageB in
            let a = try ServiceDaemon.launch(storage: storageA, config: Self.config, environment: ["STREAMD_NODE_ID": "node-a"])
            let id: String
            do {
                try await a.waitUntilHealthy()
                id = try await a.startTestPattern()
                try await a.waitForSegments(id, atLeast: 2)
                a.send(SIGKILL)
                _ = try await a.waitForExit(timeout: .seconds(10))
            } catch {
                await a.stop()
                print("node A stderr:\n\(a.tail())")
                throw error
            }
            // B starts (recovery runs before it listens) and restarts: A's session is not B's to finalize.
            for _ in 0..<2 {
                try await ServiceDaemon.with(storage: storageB, config: Self.config, environment: ["STREAMD_NODE_ID": "node-b"]) { b in
                    let status = try await b.session(id)["status"] as? String
                    #expect(status == "recording")
                }
            }
            #expect(try await storageA.statusInDatabase(id) == "recording")
            #expect(!(try HLSPlaylist(directory: storageA.recording(id)).hasEndList))

            try await ServiceDaemon.with(storage: storageA, config: Self.config, environment: ["STREAMD_NODE_ID": "node-a"]) { a in
                #expect(try await a.session(id)["status"] as? String == "interrupted")
                let playlist = try HLSPlaylist(directory: storageA.recording(id))
                #expect(playlist.hasEndList)
                #expect(try await playlist.decodedFrameCount() > 0)
            }
        }
    }

    @Test func aSecondDaemonWithTheSameNodeIdIsRefused() async throws {
        try await Self.withTwoStorages { storageA, storageB in
            try await ServiceDaemon.with(storage: storageA, config: Self.config, environment: ["STREAMD_NODE_ID": "node-a"]) { a in
                let id = try await a.startTestPattern()
                let twin = try ServiceDaemon.launch(storage: storageB, config: Self.config, environment: ["STREAMD_NODE_ID": "node-a"])
                let exit: (status: Int32, reason: Process.TerminationReason)
                do {
                    exit = try await twin.waitForExit(timeout: .seconds(60))
                } catch {
                    await twin.stop()
                    throw error
                }
                #expect(exit.reason == .exit && exit.status != 0, "the twin exited \(exit.reason) \(exit.status)")
                let said = twin.standardError + twin.standardOutput
                #expect(said.contains("node_id \"node-a\" is already held"), "no clear refusal:\n\(twin.tail())")
                // The first one is unharmed and still records.
                #expect(try await a.request("GET", "/healthz").status == 200)
                #expect(try await a.session(id)["status"] as? String == "recording")
                #expect(!FileManager.default.fileExists(atPath: storageB.recording(id).path))
            }
        }
    }

    // MARK: steps

    static func checkNodes(_ a: ServiceDaemon, _ b: ServiceDaemon) async throws {
        for daemon in [a, b] {
            let nodes = try await Eventually.value("both nodes alive in GET /nodes on \(daemon.port)", timeout: .seconds(60), interval: .milliseconds(250)) {
                () async throws -> [[String: Any]]? in
                let listed = try await daemon.request("GET", "/nodes").object()["nodes"] as? [[String: Any]] ?? []
                let alive = listed.filter { $0["alive"] as? Bool == true }.compactMap { $0["node_id"] as? String }
                return Set(alive) == ["node-a", "node-b"] ? listed : nil
            }
            let urls = Dictionary(uniqueKeysWithValues: nodes.compactMap { node in
                (node["node_id"] as? String).map { ($0, node["public_url"] as? String ?? "") }
            })
            #expect(urls == ["node-a": a.baseURL, "node-b": b.baseURL])
            for node in nodes {
                #expect(node["version"] is String && node["started_at"] is String && node["last_seen_at"] is String, "\(node)")
            }
        }
    }

    /// Files, exports and thumbnails.vtt of A's session asked of B: 307 to A, same path and query;
    /// following them plays A's recording.
    static func checkRedirects(from b: ServiceDaemon, to a: ServiceDaemon, sessionId id: String) async throws {
        let segment = try await Curl.request("GET", "\(a.baseURL)/\(id)/index.m3u8").body
            .split(separator: "\n").first { !$0.hasPrefix("#") && !$0.isEmpty }.map(String.init) ?? "seg_00000.ts"
        for path in ["/\(id)/index.m3u8?token=x&a=1", "/\(id)/\(segment)", "/sessions/\(id)/thumbnails.vtt",
                     "/sessions/\(id)/export.mp4?start=0&duration=2"] {
            let reply = try await Curl.request("GET", b.baseURL + path, discardBody: true)
            #expect(reply.status == 307, "GET \(path) on the other node answered \(reply.status)")
            #expect(reply.headers["location"] == a.baseURL + path)
        }
        let head = try await Curl.request("HEAD", "\(b.baseURL)/\(id)/index.m3u8")
        #expect(head.status == 307)
        // A file this node has not, of a session nobody has: still 404.
        #expect(try await Curl.request("GET", "\(b.baseURL)/no-such-session/index.m3u8").status == 404)

        let probe = try await ChildProcess.run("/usr/bin/env", [
            "ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", "\(b.baseURL)/\(id)/index.m3u8",
        ], timeout: .seconds(60))
        let frames = probe.output.split(whereSeparator: \.isNewline).compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.first ?? 0
        #expect(probe.status == 0 && frames > 0, "ffprobe through the redirect: \(probe.status) \(probe.combined)")
    }

    /// The device playlist answered by B lists A's segments on A's public_url.
    static func checkDevicePlaylist(on b: ServiceDaemon, owner a: ServiceDaemon, deviceId: String, sessionId: String) async throws {
        let text = try await Eventually.value("B's playlist of \(deviceId) to list segments", timeout: .seconds(60), interval: .milliseconds(250)) {
            () async throws -> String? in
            let body = try await b.request("GET", "/devices/\(deviceId)/index.m3u8").text
            return body.contains("#EXTINF") ? body : nil
        }
        let uris = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(!uris.isEmpty && uris.allSatisfy { $0.hasPrefix("\(a.baseURL)/\(sessionId)/") }, "\(text)")
        let first = try await Curl.request("GET", String(uris[0]), discardBody: true)
        #expect(first.status == 200)
    }

    /// A's page may read from and write to B (and back), with no configuration: origins come from GET /nodes.
    static func checkCrossNodeCORS(_ a: ServiceDaemon, _ b: ServiceDaemon) async throws {
        let preflight = try await Curl.request("OPTIONS", "\(b.baseURL)/sessions/x", headers: [
            "Origin": a.baseURL, "Access-Control-Request-Method": "DELETE", "Access-Control-Request-Headers": "authorization",
        ])
        #expect(preflight.status == 204, "preflight answered \(preflight.status): \(preflight.body)")
        #expect(preflight.headers["access-control-allow-origin"] == a.baseURL)
        #expect(preflight.headers["access-control-allow-methods"]?.contains("DELETE") == true)
        let stranger = try await Curl.request("OPTIONS", "\(b.baseURL)/sessions/x", headers: [
            "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "DELETE",
        ])
        #expect(stranger.status == 403)
        let write = try await Curl.request("POST", "\(b.baseURL)/sessions/no-such/close", headers: ["Origin": a.baseURL])
        #expect(write.status == 404, "a write from another node's page answered \(write.status): \(write.body)")
        #expect(write.headers["access-control-allow-origin"] == a.baseURL)
    }

    // MARK: helpers

    static func recordedSession(on daemon: ServiceDaemon, deviceId: String) async throws -> String {
        let id = try await daemon.startTestPattern(extra: #","deviceId":"\#(deviceId)","durationSec":3"#)
        _ = try await Eventually.value("\(id) to complete", timeout: .seconds(60), interval: .milliseconds(250)) {
            () async throws -> Bool? in
            try await daemon.session(id)["status"] as? String == "completed" ? true : nil
        }
        return id
    }

    static func sessions(on daemon: ServiceDaemon) async throws -> [String: [String: Any]] {
        let list = try await daemon.request("GET", "/sessions?limit=500").object()["sessions"] as? [[String: Any]] ?? []
        var byId: [String: [String: Any]] = [:]
        for session in list {
            if let id = session["session_id"] as? String { byId[id] = session }
        }
        return byId
    }

    /// Two data directories on one database (A's storage owns the database and drops it at the end).
    static func withTwoStorages(_ body: (ServiceStorage, ServiceStorage) async throws -> Void) async throws {
        try await ServiceStorage.with { storageA in
            let root = try ServiceTestEnvironment.scratchDirectory("streamd-node-b")
            defer { ServiceTestEnvironment.removeScratch(root) }
            try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
            let storageB = ServiceStorage(root: root, database: storageA.database, serverConninfo: storageA.serverConninfo)
            try await body(storageA, storageB)
        }
    }
}
