import Foundation

/// A PostgreSQL cluster of the test's own, started with the repository's `scripts/pg-cluster`,
/// for tests that stop and restart the server.
public struct PrivateCluster {
    public let directory: String
    public let conninfo: String

    public struct ScriptFailed: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let output: String
        public var description: String { "pg-cluster \(arguments.joined(separator: " ")) exited \(status): \(output)" }
    }

    public static func start() async throws -> PrivateCluster {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("streamd-store-test-\(UUID().uuidString)").path
        let conninfo = try await run(["start", directory]).trimmingCharacters(in: .whitespacesAndNewlines)
        return PrivateCluster(directory: directory, conninfo: conninfo)
    }

    public func stop() async throws { _ = try await Self.run(["stop", directory]) }
    public func restart() async throws { _ = try await Self.run(["restart", directory]) }
    public func resume() async throws { _ = try await Self.run(["start", directory]) }
    public func destroy() async throws { _ = try await Self.run(["destroy", directory]) }

    /// Runs `body`, then destroys the cluster whatever happened.
    public static func with<T>(_ body: (PrivateCluster) async throws -> T) async throws -> T {
        let cluster = try await start()
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body(cluster))
        } catch {
            outcome = .failure(error)
        }
        try await cluster.destroy()
        return try outcome.get()
    }

    /// The repository root, found from this file rather than the working directory.
    private static let script: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("scripts/pg-cluster")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: "scripts/pg-cluster")
    }()

    /// Runs the script through `SpawnedProcess`: `pg_ctl start` leaves a server behind that would
    /// keep Foundation's `Process` waiting.
    private static func run(_ arguments: [String]) async throws -> String {
        let result = try await SpawnedProcess.run(["/bin/bash", script.path] + arguments)
        guard result.status == 0 else { throw ScriptFailed(arguments: arguments, status: result.status, output: result.output) }
        return result.output
    }
}
