import Foundation

/// A child started with posix_spawn, its stdout and stderr in one file, reaped on a thread of its own.
///
/// Not Foundation's `Process`: on Linux it learns of the exit through a socket the child inherits,
/// and a server the child leaves behind (`pg_ctl start`, a booted container) inherits it too, so the
/// process never seems to end. For the same reason the child closes every inherited descriptor above
/// stderr (other tests' `Process` sockets) before it runs the command.
public final class SpawnedProcess: @unchecked Sendable {
    public let pid: pid_t
    public let outputPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?
    private var waiters: [CheckedContinuation<Int32, Never>] = []

    public struct SpawnFailed: Error, CustomStringConvertible {
        public let argv: [String]
        public let code: Int32
        public var description: String { "posix_spawn \(argv.joined(separator: " ")) failed: \(String(cString: strerror(code)))" }
    }

    /// Starts `argv` (argv[0] an absolute path) with stdin from /dev/null and output to `outputPath`.
    public init(_ argv: [String], outputPath: String) throws {
        self.outputPath = outputPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let prelude = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null; fi; done; exec "$@""#
        let full = ["/bin/bash", "-c", prelude, "spawned"] + argv
        let cArguments = full.map { strdup($0) }
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, cArguments + [nil], environ)
        guard spawned == 0 else { throw SpawnFailed(argv: argv, code: spawned) }
        self.pid = pid
        let child = pid
        Thread { [self] in
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS are macros that do not import.
            let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            lock.lock()
            exitStatus = code
            let pending = waiters
            waiters = []
            lock.unlock()
            pending.forEach { $0.resume(returning: code) }
        }.start()
    }

    /// The exit status (128 + signal when killed), or nil while it runs.
    public var status: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return exitStatus
    }

    public func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let exitStatus {
                lock.unlock()
                continuation.resume(returning: exitStatus)
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }

    /// True when it exited within `timeout`.
    public func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while status == nil {
            guard ContinuousClock.now < deadline else { return false }
            do { try await Task.sleep(for: .milliseconds(50)) } catch { return status != nil }
        }
        return true
    }

    public var output: String {
        do { return try String(contentsOfFile: outputPath, encoding: .utf8) } catch { return "(output unreadable: \(error))" }
    }

    /// Runs `argv` to its end and returns its status and output.
    public static func run(_ argv: [String]) async throws -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("spawned-\(UUID().uuidString).out").path
        defer { _ = unlink(outputPath) }
        let child = try SpawnedProcess(argv, outputPath: outputPath)
        let status = await child.waitForExit()
        return (status, child.output)
    }
}
