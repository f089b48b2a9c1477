import Foundation
import Hummingbird

/// For `bench/serve` only, never configured in production: `STREAMD_BENCH_FLOOR_FILE=<path>` adds
/// `GET /bench-floor`, answering that file's bytes from memory with nothing else to do, so the bench
/// measures Hummingbird's own floor in the same process and run as the file route.
/// `STREAMD_BENCH_NO_FAST_PATH=1` serves every file through the router (the before/after comparison).
enum BenchFloor {
    static let fastPathDisabled = ProcessInfo.processInfo.environment["STREAMD_BENCH_NO_FAST_PATH"] == "1"

    static func addRoute<Context: RequestContext>(to router: Router<Context>) {
        guard let path = ProcessInfo.processInfo.environment["STREAMD_BENCH_FLOOR_FILE"],
              let data = FileManager.default.contents(atPath: path) else { return }
        let bytes = ByteBuffer(bytes: data)
        router.get("/bench-floor") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/vnd.apple.mpegurl"], body: .init(byteBuffer: bytes))
        }
    }
}
