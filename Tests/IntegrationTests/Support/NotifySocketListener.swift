import Foundation
import Synchronization

/// Plays systemd's side of sd_notify: a datagram socket at a path the daemon gets as $NOTIFY_SOCKET.
/// Non-blocking: `received()` drains what has arrived, and the tests poll it with a deadline.
final class NotifySocketListener: Sendable {
    let path: String
    private let descriptor: Int32
    private let messages = Mutex<[String]>([])

    init(directory: URL) throws {
        path = directory.appendingPathComponent("notify.sock").path
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            throw ServiceTestFailure("socket path too long: \(path)")
        }
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ServiceTestFailure("socket() failed: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8) + [0]
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(descriptor)
            throw ServiceTestFailure("bind(\(path)) failed: errno \(code)")
        }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Every datagram received so far, oldest first.
    func received() -> [String] {
        messages.withLock { messages in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { break }
                messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
            }
            return messages
        }
    }

    /// Every `KEY=value` assignment received so far, in order.
    func assignments() -> [String] {
        received().flatMap { $0.split(separator: "\n").map(String.init) }
    }
}
