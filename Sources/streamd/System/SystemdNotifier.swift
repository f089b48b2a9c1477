import Foundation
import Logging

/// The sd_notify(3) protocol without libsystemd: one datagram per state change to the AF_UNIX socket
/// systemd names in `$NOTIFY_SOCKET` (a path, or an abstract name when it starts with `@`).
final class SystemdNotifier: Sendable {
    /// `sun_path` bytes as sent: a leading NUL for an abstract socket, no terminator.
    let address: [UInt8]
    /// `WATCHDOG_USEC`, when systemd expects keep-alive pings from this very process.
    let watchdogInterval: Duration?
    private let descriptor: Int32
    private let logger: Logger

    /// nil when not started by systemd with `Type=notify` (no `NOTIFY_SOCKET`), or when the socket
    /// cannot be made; the daemon then runs exactly as in a terminal.
    static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "streamd.systemd")
    ) -> SystemdNotifier? {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        guard let address = socketAddress(path) else {
            logger.warning("NOTIFY_SOCKET is neither an absolute path nor an abstract name of at most 107 bytes; not notifying systemd", metadata: ["notify_socket": "\(path)"])
            return nil
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            logger.warning("cannot create the notification socket; not notifying systemd", metadata: ["errno": "\(String(cString: strerror(errno)))"])
            return nil
        }
        let watchdog = watchdogInterval(environment)
        return SystemdNotifier(address: address, watchdogInterval: watchdog, descriptor: descriptor, logger: logger)
    }

    private init(address: [UInt8], watchdogInterval: Duration?, descriptor: Int32, logger: Logger) {
        self.address = address
        self.watchdogInterval = watchdogInterval
        self.descriptor = descriptor
        self.logger = logger
    }

    deinit {
        close(descriptor)
    }

    /// Newline-separated `KEY=value` assignments, e.g. `READY=1` or `WATCHDOG=1\nSTATUS=…`.
    func notify(_ state: String) {
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { path in
            path.copyBytes(from: address)
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2) + socklen_t(address.count)
        let bytes = Array(state.utf8)
        let sent = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { buffer in
                    sendto(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), socketAddress, length)
                }
            }
        }
        if sent < 0 {
            // Same message every time, so the log's repeat limiter folds a dead socket into one line per interval.
            logger.warning("cannot notify systemd", metadata: ["error": "\(String(cString: strerror(errno)))", "state": "\(state.prefix { $0 != "\n" })"])
        }
    }

    /// `@name` is Linux's abstract namespace: the address starts with a NUL instead of the `@`.
    static func socketAddress(_ path: String) -> [UInt8]? {
        var bytes = Array(path.utf8)
        if path.hasPrefix("@") {
            bytes[0] = 0
        } else if !path.hasPrefix("/") {
            return nil
        } else {
            bytes.append(0)
        }
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        return bytes.count <= capacity ? bytes : nil
    }

    /// `WATCHDOG_USEC` counts when `WATCHDOG_PID` is unset or names this process; a child started with
    /// the daemon's environment must not think it owes systemd the pings.
    static func watchdogInterval(_ environment: [String: String], pid: Int32 = getpid()) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0, usec <= UInt64(Int64.max) else { return nil }
        if let owner = environment["WATCHDOG_PID"], !owner.isEmpty {
            guard let ownerPid = Int32(owner), ownerPid == pid else { return nil }
        }
        return .microseconds(Int64(usec))
    }
}
