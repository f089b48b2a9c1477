import Foundation
import Synchronization

/// Where finished log lines go: one `write(2)` per event under a lock, so lines from the capture
/// threads, libpq queues and the event loops never interleave mid-line.
final class LogOutput: Sendable {
    static let standardError = LogOutput(descriptor: STDERR_FILENO)

    private let descriptor: Mutex<Int32>

    init(descriptor: Int32) {
        self.descriptor = Mutex(descriptor)
    }

    func emit(_ lines: [String]) {
        var bytes = Array(lines.joined(separator: "\n").utf8)
        bytes.append(UInt8(ascii: "\n"))
        descriptor.withLock { fd in
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { buffer in
                    write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                }
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    // stderr is gone (closed pipe, full disk): there is nowhere left to report it.
                    return
                }
            }
        }
    }
}
