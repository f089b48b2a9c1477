import Foundation
import Synchronization

/// A TCP port for a daemon or a peer to listen on, free on 127.0.0.1 when handed out.
///
/// Taken below the kernel's ephemeral range (32768–60999 here): a port from that range, released
/// for the daemon to bind, can meanwhile become the local port of one of the many outgoing
/// connections the tests make (curl, ffmpeg, the flood test's hundreds), and the daemon then fails
/// with EADDRINUSE. Ports are never handed out twice in one test process.
public enum FreePort {
    private static let handedOut = Mutex<Set<Int>>([])

    public struct Exhausted: Error, CustomStringConvertible {
        public var description: String { "no free port below the ephemeral range after 2000 tries" }
    }

    public static func next() throws -> Int {
        for _ in 0..<2000 {
            let candidate = Int.random(in: 20_000..<32_000)
            let fresh = handedOut.withLock { ports in ports.insert(candidate).inserted }
            if fresh, canBind(candidate) { return candidate }
        }
        throw Exhausted()
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
