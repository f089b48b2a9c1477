import Foundation
import StreamdTestSupport
import Testing

/// The audit's flood: under a low open-file limit, twice `max_connections` idle and trickling
/// connections are held open against the real daemon while it records. The daemon derives the cap from
/// the limit itself (and says so); twice the cap is more descriptors than the limit allows, so without
/// the cap the flood would exhaust them. The recording must complete with ENDLIST, `/healthz` must
/// answer every time it is asked, and the daemon must stay below the file limit.
@Suite(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct ConnectionFloodTests {
    static let openFileLimit = 160
    static let config = """
        media: {width: 160, height: 120, fps: 15, segment_seconds: 1}
        database: {pool_size: 2}
        limits: {max_sessions: 1, min_free_mb: 0, request_idle_timeout_sec: 600}
        """
    /// A POST the server refuses at once (413: over the body limit) whose body then trickles in.
    static let tricklingHead = "POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n{"

    @Test func aFloodOfConnectionsCannotFailARecording() async throws {
        try await ServiceStorage.with { storage in
            try await ServiceDaemon.with(storage: storage, config: Self.config, openFileLimit: Self.openFileLimit) { daemon in
                // The default of 1024 does not fit under 160 descriptors: start lowers it and logs the value.
                let logged = try #require(daemon.standardError.firstMatch(of: /lowered to fit the open-file limit.*max_connections=(\d+)/),
                                          "no log line about lowering max_connections:\n\(daemon.tail())")
                let maxConnections = try #require(Int(logged.1))
                #expect(maxConnections < Self.openFileLimit / 2 + 16 && 2 * maxConnections > Self.openFileLimit - 16,
                        "cap \(maxConnections) under a limit of \(Self.openFileLimit)")
                let id = try await daemon.startTestPattern(extra: #","width":160,"height":120,"durationSec":12"#)
                try await Eventually.until("\(id) to record") { try await daemon.session(id)["status"] as? String == "recording" }

                let flood = 2 * maxConnections
                var idle: [RawConnection] = []
                var trickling: [RawConnection] = []
                var refusedAndClosed = 0
                var healthProbes = 0
                var mostDescriptors = 0
                func replenish() throws {
                    idle.removeAll { $0.drain(); return $0.closedByPeer }
                    while idle.count < flood / 2 { idle.append(try RawConnection(port: daemon.port)) }
                    for connection in trickling { connection.drain() }
                    refusedAndClosed += trickling.filter { $0.closedByPeer && $0.status == 413 }.count
                    trickling.removeAll { $0.closedByPeer }
                    while trickling.count < flood / 2 {
                        let connection = try RawConnection(port: daemon.port)
                        connection.send(Self.tricklingHead)
                        trickling.append(connection)
                    }
                }

                while !["completed", "failed", "interrupted"].contains(try await daemon.session(id)["status"] as? String ?? "") {
                    try replenish()
                    for connection in trickling { connection.send("1") }
                    let health = try await Curl.request("GET", daemon.baseURL + "/healthz", timeout: 5)
                    #expect(health.status == 200, "/healthz answered \(health.status) during the flood")
                    healthProbes += 1
                    mostDescriptors = max(mostDescriptors, try Self.openDescriptors(daemon.process.processIdentifier))
                    // Paces the probes; the loop itself ends on the session's status, not on time.
                    try await Task.sleep(for: .milliseconds(250))
                }

                let session = try await daemon.session(id)
                #expect(session["status"] as? String == "completed", "the recording ended \(session)")
                let playlist = try String(contentsOf: storage.recording(id).appendingPathComponent("index.m3u8"), encoding: .utf8)
                #expect(playlist.contains("#EXT-X-ENDLIST"))
                // Each round opens and reads every connection: on a loaded machine a round takes seconds.
                #expect(healthProbes >= 2, "only \(healthProbes) health probes ran during the recording")
                #expect(refusedAndClosed >= flood / 2, "only \(refusedAndClosed) trickling connections were answered 413 and closed")
                #expect(mostDescriptors < Self.openFileLimit - 16,
                        "the daemon held \(mostDescriptors) descriptors of \(Self.openFileLimit)")
                print("flood: \(healthProbes) health probes, \(refusedAndClosed) trickles refused, at most \(mostDescriptors) fds")
                #expect(!daemon.standardError.contains("Too many open files"))
            }
        }
    }

    static func openDescriptors(_ pid: Int32) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    }
}
