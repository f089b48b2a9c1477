import Foundation
@testable import HTTPAPI
import Recorder
import Testing

/// The audit's 3 KB body nested 511 levels deep cost 2–4 s of CPU. The parse is timed here by the
/// CPU time of the thread that runs it, which a loaded machine does not inflate.
@Suite struct NestingCostTests {
    static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    @Test(arguments: [511, 5_000])
    func deepBodiesAreRefusedInUnder50MillisecondsOfCPU(depth: Int) throws {
        let body = Data((#"{"a":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}").utf8)
        let started = Self.threadCPUSeconds()
        var refusal: APIError?
        do {
            _ = try StartRequest(jsonBody: body)
        } catch {
            refusal = error
        }
        let spent = Self.threadCPUSeconds() - started
        #expect(refusal?.code == "json_too_deep")
        #expect(spent < 0.05, "parsing a \(depth)-deep body took \(spent) s of CPU")
    }

    /// Linear in the size: a wide 1 MB body of flat values costs about as much per byte as a small one.
    @Test func parsingIsLinearInTheBodySize() throws {
        func cost(_ count: Int) throws -> Double {
            let body = Data((#"{"deviceId":"cam","x":["# + Array(repeating: #"{"k":[1,2,"s"]}"#, count: count).joined(separator: ",") + "]}").utf8)
            let started = Self.threadCPUSeconds()
            _ = try StartRequest(jsonBody: body)
            return Self.threadCPUSeconds() - started
        }
        _ = try cost(1_000)
        let small = try cost(2_000)
        let large = try cost(32_000)
        // 16x the bytes; a quadratic parser would cost 256x. Allow generous noise.
        #expect(large < max(small, 0.0005) * 64, "2k items: \(small) s, 32k items: \(large) s")
    }
}
