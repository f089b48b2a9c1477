import Foundation
import Testing

/// Requests no client should send, against the real server: each gets a 4xx (or the connection is
/// refused at the HTTP parser), never a 5xx, and the daemon goes on serving.
@Suite(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct HostileRequestTests {
    /// `curl` prints the status code (000 when the server closed the connection without answering).
    static func status(_ daemon: ServiceDaemon, _ arguments: [String]) async throws -> Int {
        let result = try await ChildProcess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10"] + arguments)
        return Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func oversizedAndMalformedRequestsAreRefusedWithout5xx() async throws {
        try await ServiceDaemon.with(config: ServiceDaemon.smallConfig) { daemon in
            let base = daemon.baseURL
            let longPath = base + "/" + String(repeating: "a", count: 20_000) + "/index.m3u8"
            let hugeHeader = "X-Filler: " + String(repeating: "b", count: 100_000)
            let cases: [(String, [String])] = [
                ("a 20 kB URL", [longPath]),
                ("a 100 kB header", ["-H", hugeHeader, base + "/healthz"]),
                ("a 100 kB body to POST /sessions", ["-X", "POST", "--data-binary", String(repeating: "{", count: 100_000), base + "/sessions"]),
                ("encoded traversal", ["--path-as-is", base + "/%2e%2e/%2e%2e/etc/passwd"]),
                ("double-encoded traversal", ["--path-as-is", base + "/x/%252e%252e%252fjournal.jsonl"]),
                ("an absolute path", ["--path-as-is", base + "//etc/passwd"]),
                ("a NUL in the path", ["--path-as-is", base + "/sessions/a%00b"]),
                ("a bad limit", [base + "/sessions?limit=-1"]),
            ]
            for (what, arguments) in cases {
                let code = try await Self.status(daemon, arguments)
                print("hostile: \(what) → \(code)")
                #expect(code == 0 || (400..<500).contains(code), "\(what) → \(code)")
            }
            #expect(try await daemon.request("GET", "/healthz").status == 200)
            let listed = try await daemon.request("GET", "/sessions")
            #expect(try (listed.object()["sessions"] as? [Any])?.isEmpty == true, "no rejected request left a session behind")
        }
    }
}
