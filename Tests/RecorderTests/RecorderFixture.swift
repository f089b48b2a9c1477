import Foundation
import Logging
import Media
import Recorder
import Sessions
import Store
import StreamdTestSupport
import Testing

/// A session manager on a real PostgreSQL database and a temp data dir.
struct RecorderFixture: Sendable {
    let manager: SessionManager
    let repository: PostgresSessionRepository
    let dataDirectory: URL

    init(pool: ConnectionPool, node: String = "test-node", adjust: (inout RecorderConfig) -> Void = { _ in }) throws {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("streamd-recorder-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        var config = RecorderConfig(
            dataDirectory: dataDirectory, publicURL: "http://test.local", nodeId: node,
            defaultDevice: "/dev/video-streamd-missing", width: 320, height: 240, fps: 30, minFreeBytes: 0,
            shutdownTimeoutSec: 10)
        adjust(&config)
        repository = PostgresSessionRepository(pool: pool, healthTimeout: .milliseconds(500))
        var logger = Logger(label: "recorder-test")
        logger.logLevel = .warning
        manager = SessionManager(config: config, repository: repository, logger: logger)
    }

    func directory(_ id: String) -> URL { dataDirectory.appendingPathComponent("recordings/\(id)") }

    func playlist(_ id: String) throws -> String {
        try String(contentsOf: directory(id).appendingPathComponent("index.m3u8"), encoding: .utf8)
    }

    func segments(_ id: String) throws -> [String] {
        try playlist(id).split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map(String.init)
    }

    /// Sum of the playlist's EXTINF durations.
    func listedSeconds(_ id: String) throws -> Double {
        try playlist(id).split(separator: "\n").filter { $0.hasPrefix("#EXTINF:") }
            .compactMap { Double($0.dropFirst("#EXTINF:".count).split(separator: ",").first ?? "") }.reduce(0, +)
    }

    /// Polls `condition` until it holds or the deadline passes; returns whether it held.
    static func eventually(within seconds: Double = 20, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    func waitForStatus(_ id: String, _ status: SessionStatus, within seconds: Double = 20) async throws -> Session {
        let reached = try await Self.eventually(within: seconds) { try await manager.session(id)?.status == status }
        let session = try #require(try await manager.session(id))
        #expect(reached, "\(id) is \(session.status), expected \(status)")
        return session
    }

    func remove() {
        do { try FileManager.default.removeItem(at: dataDirectory) } catch { print("cannot remove \(dataDirectory.path): \(error)") }
    }
}

let databaseConfigured = TestDatabase.isConfigured
