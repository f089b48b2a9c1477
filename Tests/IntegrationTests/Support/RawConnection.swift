import Foundation

/// A plain TCP connection to the daemon, for what HTTP clients will not send: trickled bodies, idle
/// sockets, malformed chunked framing. Non-blocking reads, polled against a deadline.
final class RawConnection {
    let fd: Int32
    private(set) var received = Data()
    private(set) var closedByPeer = false
    /// How much of `received` earlier responses took (`consume`).
    private(set) var consumed = 0

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServiceTestFailure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw ServiceTestFailure("connect to port \(port): \(message)")
        }
    }

    deinit { Glibc.close(fd) }

    /// False once the peer has closed (EPIPE, ECONNRESET).
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) } == bytes.count
    }

    /// Reads what has arrived without waiting; notes when the peer closed.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while !closedByPeer {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                closedByPeer = true
            } else {
                return
            }
        }
    }

    /// Waits until the peer closes the connection, or the deadline; returns whether it closed.
    func waitUntilClosed(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            drain()
            if closedByPeer { return true }
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func consume(_ count: Int) { consumed += count }

    var text: String { String(decoding: received, as: UTF8.self) }
    /// The status code of the first response received, if any.
    var status: Int? {
        guard text.hasPrefix("HTTP/1.1 "), let code = Int(text.dropFirst(9).prefix(3)) else { return nil }
        return code
    }
}
