import Foundation
import StreamdTestSupport
import Testing

/// Bodies built to cost the server: refused requests whose bodies never end, malformed chunked
/// framing, deeply nested JSON. Against the real binary.
@Suite(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct HostileBodyTests {
    static let token = ["STREAMD_API_TOKEN": "api-secret-7"]

    /// 401, 403 and 413 are answered before the body is read, and the connection is then closed
    /// although the client announced 10^12 bytes and goes on sending.
    @Test func aRefusalClosesTheConnectionWithoutReadingTheBody() async throws {
        try await ServiceDaemon.with(environment: Self.token) { daemon in
            let cases: [(String, String, Int)] = [
                ("no token", "", 401),
                ("another origin", "Authorization: Bearer api-secret-7\r\nOrigin: http://evil.example\r\n", 403),
                ("over the limit", "Authorization: Bearer api-secret-7\r\n", 413),
            ]
            for (what, extra, expected) in cases {
                let connection = try RawConnection(port: daemon.port)
                connection.send("POST /sessions HTTP/1.1\r\nHost: x\r\n\(extra)Content-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n{\"a\":")
                // The client keeps sending; the server must close all the same.
                var closed = false
                for _ in 0..<50 where !closed {
                    connection.send(String(repeating: "1", count: 10))
                    closed = try await connection.waitUntilClosed(timeout: .milliseconds(100))
                }
                #expect(connection.status == expected, "\(what): \(connection.text)")
                #expect(connection.text.lowercased().contains("connection: close"), "\(what): \(connection.text)")
                #expect(closed, "\(what): the connection stayed open while the body trickled")
            }
            #expect(try await daemon.request("GET", "/healthz").status == 200)
        }
    }

    /// Framing errors in a chunked body are the client's: 400 (413 past the limit), never 500, and no
    /// error line per request in the log.
    @Test func malformedChunkedBodiesAnswer400Or413() async throws {
        try await ServiceDaemon.with { daemon in
            let head = "POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            let big = String(repeating: "2000\r\n" + String(repeating: " ", count: 0x2000) + "\r\n", count: 9) + "0\r\n\r\n"
            let cases: [(String, String, Set<Int>)] = [
                ("Transfer-Encoding: xchunked", head + "Transfer-Encoding: xchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", [400, 501]),
                ("a negative chunk size", head + "Transfer-Encoding: chunked\r\n\r\n-5\r\n{}\r\n0\r\n\r\n", [400]),
                ("a non-hex chunk size", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", [400]),
                ("a chunk size overflowing 64 bits", head + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n{}\r\n0\r\n\r\n", [400, 413]),
                ("a chunked body over 64 KiB", head + "Transfer-Encoding: chunked\r\n\r\n" + big, [413]),
            ]
            for (what, request, expected) in cases {
                let connection = try RawConnection(port: daemon.port)
                connection.send(request)
                _ = try await connection.waitUntilClosed(timeout: .seconds(5))
                print("chunked: \(what) → \(connection.status.map(String.init) ?? "no answer")")
                #expect(connection.status.map(expected.contains) == true, "\(what): \(connection.text.prefix(300))")
            }
            #expect(try await daemon.request("GET", "/healthz").status == 200)
            #expect(!daemon.standardError.contains("request failed"), "error lines:\n\(daemon.tail())")
        }
    }

    /// 511 levels of nesting cost the audit 2–4 s of CPU each; now the parser stops at level 33. The
    /// parse's own CPU time (under 50 ms, load-independent) is measured in HTTPAPITests'
    /// `NestingCostTests`; here the real binary's CPU time over five such requests must stay far below
    /// the seconds of the old parser.
    @Test func deeplyNestedJSONIsRefusedQuickly() async throws {
        try await ServiceDaemon.with { daemon in
            let deep = #"{"a":"# + String(repeating: "[", count: 510) + String(repeating: "]", count: 510) + "}"
            #expect(try await daemon.request("GET", "/healthz").status == 200)
            // The daemon's own CPU time for the five requests (from /proc, so a loaded machine does not
            // inflate it): the old parser spent 2–4 s on each.
            let cpuBefore = try Self.cpuSeconds(of: daemon.process.processIdentifier)
            for _ in 0..<5 {
                let response = try await daemon.request("POST", "/sessions", json: deep)
                #expect(response.status == 400)
                #expect(((try response.object()["error"] as? [String: Any])?["code"] as? String) == "json_too_deep")
            }
            let spent = try Self.cpuSeconds(of: daemon.process.processIdentifier) - cpuBefore
            #expect(spent < 0.5, "five 511-deep bodies cost the daemon \(spent) s of CPU")
            // 32 levels are still parsed: the refusal is about the source, not the nesting.
            let atLimit = #"{"source":"webcam","x":"# + String(repeating: "[", count: 31) + String(repeating: "]", count: 31) + "}"
            let parsed = try await daemon.request("POST", "/sessions", json: atLimit)
            #expect(parsed.status == 422, "\(parsed.text)")
        }
    }

    /// utime + stime of a process, in seconds, from /proc/PID/stat.
    static func cpuSeconds(of pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        guard let close = stat.lastIndex(of: ")") else { throw CocoaError(.fileReadCorruptFile) }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { throw CocoaError(.fileReadCorruptFile) }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
