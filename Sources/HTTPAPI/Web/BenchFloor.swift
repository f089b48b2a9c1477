import Foundation
import Hummingbird
import Synchronization

/// For `bench/serve` only, never configured in production: `STREAMD_BENCH_FLOOR_FILE=<path>` adds
/// `GET /bench-floor`, answering that file's bytes from memory with nothing else to do, so the bench
/// measures Hummingbird's own floor in the same process and run as the file route. The file is read
/// at the first request (the bench writes it after the daemon starts).
/// `STREAMD_BENCH_NO_FAST_PATH=1` serves every file through the router (the before/after comparison).
enum BenchFloor {
    static let fastPathDisabled = ProcessInfo.processInfo.environment["STREAMD_BENCH_NO_FAST_PATH"] == "1"

    static func addRoute<Context: RequestContext>(to router: Router<Context>) {
        guard let path = ProcessInfo.processInfo.environment["STREAMD_BENCH_FLOOR_FILE"] else { return }
        let loaded = Loaded()
        router.get("/bench-floor") { _, _ in
            let bytes = loaded.bytes.withLock { bytes in
                if bytes == nil, let data = FileManager.default.contents(atPath: path) { bytes = ByteBuffer(bytes: data) }
                return bytes
            }
            guard let bytes else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: "application/vnd.apple.mpegurl"], body: .init(byteBuffer: bytes))
        }
    }

    private final class Loaded: Sendable {
        let bytes = Mutex<ByteBuffer?>(nil)
    }
}
