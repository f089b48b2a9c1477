import Foundation

/// A PostgreSQL cluster of the test's own, started with the repository's `scripts/pg-cluster`,
/// for tests that stop and restart the server.
struct PrivateCluster {
    let directory: String
    let conninfo: String

    struct ScriptFailed: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let output: String
        var description: String { "pg-cluster \(arguments.joined(separator: " ")) exited \(status): \(output)" }
    }

    static func start() async throws -> PrivateCluster {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("streamd-store-test-\(UUID().uuidString)").path
        let conninfo = try await run(["start", directory]).trimmingCharacters(in: .whitespacesAndNewlines)
        return PrivateCluster(directory: directory, conninfo: conninfo)
    }

    func stop() async throws { _ = try await Self.run(["stop", directory]) }
    func restart() async throws { _ = try await Self.run(["restart", directory]) }
    func resume() async throws { _ = try await Self.run(["start", directory]) }
    func destroy() async throws { _ = try await Self.run(["destroy", directory]) }

    /// Runs `body`, then destroys the cluster whatever happened.
    static func with<T>(_ body: (PrivateCluster) async throws -> T) async throws -> T {
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

    /// Waits for the script through its termination handler, so no cooperative thread blocks.
    private static func run(_ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard status == 0 else { throw ScriptFailed(arguments: arguments, status: status, output: text) }
        return text
    }
}
