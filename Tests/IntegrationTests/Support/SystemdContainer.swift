import Foundation
import StreamdTestSupport

/// This machine's own root booted under `systemd-nspawn` over a throwaway overlay, with its systemd,
/// journald and PostgreSQL (PITFALLS, "A real systemd on this machine"). Everything written inside is
/// discarded at power-off; the container shares the host's network.
final class SystemdContainer: Sendable {
    static let nspawn = "/usr/bin/systemd-nspawn"
    static var isAvailable: Bool {
        geteuid() == 0 && hasSysAdmin && FileManager.default.isExecutableFile(atPath: nspawn) && ServiceTestEnvironment.hasBinary
    }
    static let skipReason = "needs root with CAP_SYS_ADMIN, systemd-nspawn (Debian systemd-container) and STREAMD_BINARY; `make test` as root has them"

    /// Root inside an unprivileged container cannot mount or boot one: CAP_SYS_ADMIN (bit 21) is needed.
    private static var hasSysAdmin: Bool {
        do {
            let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
                  let mask = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
            else { return false }
            return mask & (1 << 21) != 0
        } catch {
            return false
        }
    }

    /// The bind mount of `/` the container boots from (nspawn refuses `/` itself).
    let root: URL
    let machine: String
    let process: SpawnedProcess
    /// The container's systemd, seen from the host.
    let leader: pid_t

    private init(root: URL, machine: String, process: SpawnedProcess, leader: pid_t) {
        self.root = root
        self.machine = machine
        self.process = process
        self.leader = leader
    }

    /// Boots a container, runs `body`, and powers it off and unmounts whatever happened.
    static func with<T>(_ body: (SystemdContainer) async throws -> T) async throws -> T {
        let root = try ServiceTestEnvironment.scratchDirectory("streamd-nspawn-root")
        try await host("/bin/mount", ["--bind", "/", root.path])
        let container: SystemdContainer
        do {
            container = try await boot(root: root)
        } catch {
            await unmount(root)
            throw error
        }
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body(container))
        } catch {
            print("container console (last lines):\n\(container.process.output.split(separator: "\n").suffix(40).joined(separator: "\n"))")
            outcome = .failure(error)
        }
        await container.powerOff()
        await unmount(root)
        return try outcome.get()
    }

    private static func boot(root: URL) async throws -> SystemdContainer {
        // nspawn keeps state there and fails cleaning up ".../propagate" unless it is a tmpfs. Other
        // containers may use it at the same time, so it is mounted once and left mounted.
        let fstype = try await ChildProcess.run("/usr/bin/findmnt", ["-n", "-o", "FSTYPE", "/run/systemd/nspawn"], timeout: .seconds(10))
        if fstype.output.trimmingCharacters(in: .whitespacesAndNewlines) != "tmpfs" {
            try FileManager.default.createDirectory(atPath: "/run/systemd/nspawn", withIntermediateDirectories: true)
            try await host("/bin/mount", ["-t", "tmpfs", "tmpfs", "/run/systemd/nspawn"])
        }
        let machine = "streamd-test-\(UUID().uuidString.prefix(8).lowercased())"
        // --register=no --keep-unit: no host dbus or machined is needed.
        let process = try SpawnedProcess([
            nspawn, "-q", "-D", root.path, "--volatile=overlay", "--register=no", "--keep-unit",
            "--link-journal=no", "--machine=\(machine)", "-b",
        ], outputPath: root.deletingLastPathComponent().appendingPathComponent("\(machine).console").path)
        let leader: pid_t
        do {
            leader = try await Eventually.value("the container's systemd (child of nspawn \(process.pid))", timeout: .seconds(30)) { () -> pid_t? in
                if let status = process.status { throw ServiceTestFailure("systemd-nspawn exited \(status): \(process.output)") }
                let children = try String(contentsOfFile: "/proc/\(process.pid)/task/\(process.pid)/children", encoding: .utf8)
                // nspawn's first child is still in the host's namespaces for a moment: only systemd, in a
                // PID namespace of its own, is the container (anything else would run on the host).
                guard let child = children.split(separator: " ").first.flatMap({ pid_t($0) }),
                      try String(contentsOfFile: "/proc/\(child)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "systemd",
                      try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(child)/ns/pid")
                          != FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")
                else { return nil }
                return child
            }
        } catch {
            kill(process.pid, SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(10))
            throw error
        }
        let container = SystemdContainer(root: root, machine: machine, process: process, leader: leader)
        do {
            // "degraded" is normal here (units that cannot run in a container). Until systemd has opened
            // its bus, systemctl fails to connect: ask again.
            try await Eventually.until("the container's systemd to finish booting", timeout: .seconds(120), interval: .milliseconds(250)) {
                let state = try await container.run("systemctl is-system-running --wait", timeout: .seconds(120))
                return ["running", "degraded"].contains(state.output.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        } catch {
            await container.powerOff()
            throw error
        }
        return container
    }

    /// A shell script inside the container, as root, with a login-like PATH and nothing of the
    /// test runner's environment.
    func run(_ script: String, timeout: Duration = .seconds(60)) async throws -> ChildProcess.Result {
        try await ChildProcess.run("/usr/bin/nsenter", ["-a", "-t", "\(leader)", "--", "/bin/bash", "-c", script], environment: [
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8",
        ], timeout: timeout)
    }

    /// `run`, failing unless the script exits 0; returns its stdout, trimmed.
    @discardableResult
    func mustRun(_ script: String, timeout: Duration = .seconds(60)) async throws -> String {
        let result = try await run(script, timeout: timeout)
        guard result.status == 0 else {
            throw ServiceTestFailure("in the container, `\(script)` exited \(result.status):\n\(result.combined)")
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `systemctl show -p NAME --value UNIT`.
    func property(_ name: String, of unit: String = "streamd") async throws -> String {
        try await mustRun("systemctl show -p \(name) --value \(unit)")
    }

    /// A path inside the container, readable from the host (the overlay's upper layer is only visible there).
    func hostPath(_ path: String) -> URL { URL(fileURLWithPath: "/proc/\(leader)/root\(path)") }

    private func powerOff() async {
        if process.status == nil {
            do {
                let result = try await run("systemctl poweroff", timeout: .seconds(30))
                if result.status != 0 { print("systemctl poweroff in \(machine) exited \(result.status): \(result.combined)") }
            } catch {
                print("systemctl poweroff in \(machine): \(error)")
            }
        }
        if await !process.waitForExit(timeout: .seconds(60)) {
            print("\(machine) did not power off within 60 s; killing it")
            kill(leader, SIGKILL)
            kill(process.pid, SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(20))
        }
        _ = unlink(process.outputPath)
    }

    private static func unmount(_ root: URL) async {
        do {
            try await host("/bin/umount", [root.path])
        } catch {
            print("\(error); detaching it lazily")
            do { try await host("/bin/umount", ["-l", root.path]) } catch { print("\(error)") }
        }
        // Only an empty directory is removed: never a tree that is still the mounted root.
        if rmdir(root.path) != 0 { print("cannot remove \(root.path): errno \(errno)") }
    }

    private static func host(_ executable: String, _ arguments: [String]) async throws {
        let result = try await ChildProcess.run(executable, arguments, timeout: .seconds(30))
        guard result.status == 0 else {
            throw ServiceTestFailure("\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(result.combined)")
        }
    }
}
