import Foundation
import Logging
import Media
import Recorder
import Sessions
import Store
import StreamdTestSupport
import Testing

/// A session manager on a repository (PostgreSQL or in memory) and a temp data dir.
struct RecorderFixture: Sendable {
    let manager: SessionManager
    let repository: any SessionRepository
    let dataDirectory: URL

    init(pool: ConnectionPool, node: String = "test-node", adjust: (inout RecorderConfig) -> Void = { _ in }) throws {
        try self.init(repository: PostgresSessionRepository(pool: pool, healthTimeout: .milliseconds(500)), node: node, adjust: adjust)
    }

    init(repository: any SessionRepository, node: String = "test-node", adjust: (inout RecorderConfig) -> Void = { _ in }) throws {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("streamd-recorder-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        var config = RecorderConfig(
            dataDirectory: dataDirectory, publicURL: "http://test.local", nodeId: node,
            defaultDevice: "/dev/video-streamd-missing", width: 320, height: 240, fps: 30, minFreeBytes: 0,
            shutdownTimeoutSec: 10)
        adjust(&config)
        self.repository = repository
        var logger = Logger(label: "recorder-test")
        logger.logLevel = .warning
        manager = SessionManager(config: config, repository: repository, logger: logger)
    }

    /// Runs `body` with a fixture on a repository of `kind`, then removes its data dir.
    static func with<T>(_ kind: RepositoryKind, node: String = "test-node", adjust: (inout RecorderConfig) -> Void = { _ in },
                        _ body: (RecorderFixture) async throws -> T) async throws -> T {
        try await kind.withRepository { repository in
            let fixture = try RecorderFixture(repository: repository, node: node, adjust: adjust)
            defer { fixture.remove() }
            return try await body(fixture)
        }
    }

    func directory(_ id: String) -> URL { dataDirectory.appendingPathComponent("recordings/\(id)") }

    func playlist(_ id: String) throws -> String { try HLSPlaylist(directory: directory(id)).text }

    func segments(_ id: String) throws -> [String] { try HLSPlaylist(directory: directory(id)).segments }

    /// Sum of the playlist's EXTINF durations.
    func listedSeconds(_ id: String) throws -> Double { try HLSPlaylist(directory: directory(id)).totalDuration }

    /// Whether `condition` came to hold within `seconds` (the shared `Eventually`).
    static func eventually(within seconds: Double = 20, _ condition: () async throws -> Bool) async rethrows -> Bool {
        try await Eventually.holds(within: .milliseconds(Int(seconds * 1000)), condition)
    }

    func waitForStatus(_ id: String, _ status: SessionStatus, within seconds: Double = 30) async throws -> Session {
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
