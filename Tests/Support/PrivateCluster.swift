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

    /// Runs the script with posix_spawn and reaps it on a dedicated thread, so no cooperative
    /// thread blocks. Not Foundation's `Process`: on Linux it learns of the exit through a socket
    /// the child inherits, and the PostgreSQL server the script daemonizes inherits it too, so the
    /// process never seems to end. For the same reason the child closes every inherited
    /// descriptor above stderr before running the script (other tests' `Process` sockets).
    private static func run(_ arguments: [String]) async throws -> String {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("pg-cluster-\(UUID().uuidString).out").path
        defer { _ = unlink(outputPath) }
        let prelude = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null; fi; done; exec /bin/bash "$@""#
        let argv = ["/bin/bash", "-c", prelude, "pg-cluster", script.path] + arguments
        let status = try await spawnAndWait(argv, outputPath: outputPath)
        let text: String
        do {
            text = try String(contentsOfFile: outputPath, encoding: .utf8)
        } catch {
            text = "(output unreadable: \(error))"
        }
        guard status == 0 else { throw ScriptFailed(arguments: arguments, status: status, output: text) }
        return text
    }

    private static func spawnAndWait(_ argv: [String], outputPath: String) async throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments = argv.map { strdup($0) }
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, cArguments + [nil], environ)
        guard spawned == 0 else {
            throw ScriptFailed(arguments: argv, status: spawned, output: "posix_spawn failed")
        }
        let child = pid
        return await withCheckedContinuation { continuation in
            Thread {
                var status: Int32 = 0
                while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                // WIFEXITED / WEXITSTATUS are macros that do not import.
                let exited = status & 0x7f == 0
                continuation.resume(returning: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
            }.start()
        }
    }
}
