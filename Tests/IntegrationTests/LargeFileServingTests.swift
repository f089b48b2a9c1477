import Foundation
import StreamdTestSupport
import Testing

/// Whole large files, once cached, leave the fast path with `sendfile`, corked with their head: on a
/// real socket the bytes must be the file's, and the keep-alive connection must go on answering
/// (a small file right after, whose head must not wait behind a cork left set).
@Suite(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct LargeFileServingTests {
    @Test func largeSegmentsAreSentWholeAndTheConnectionGoesOn() async throws {
        try await ServiceDaemon.with { daemon in
            let directory = daemon.storage.dataDirectory.appendingPathComponent("recordings/large-1")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var generator = SystemRandomNumberGenerator()
            let big = Data((0..<(1_536 * 1024 + 77)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            try big.write(to: directory.appendingPathComponent("seg_00000.ts"))
            let small = Data("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg_00000.ts\n#EXT-X-ENDLIST\n".utf8)
            try small.write(to: directory.appendingPathComponent("index.m3u8"))

            let connection = try RawConnection(port: daemon.port)
            // The router answers the first request and caches the file; the fast path the next ones.
            let requests: [(String, Data)] = [("seg_00000.ts", big), ("seg_00000.ts", big), ("index.m3u8", small), ("seg_00000.ts", big)]
            for (number, (name, expected)) in requests.enumerated() {
                #expect(connection.send("GET /large-1/\(name) HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                let response = try await Self.response(connection, timeout: .seconds(30))
                #expect(response.status == 200, "request \(number) for \(name): \(response.status)")
                #expect(response.body == expected, "request \(number) for \(name): \(response.body.count) bytes, not the file's \(expected.count)")
            }
            // Ranges on the same connection, from memory between corked whole files: a seek's 64 KiB,
            // one running to the end of the file, a short one, then a whole file again.
            let ranges: [(String, ClosedRange<Int>?)] = [
                ("bytes=1000-66535", 1000...66535), ("bytes=-40000", (big.count - 40000)...(big.count - 1)),
                ("bytes=7-16", 7...16), ("", nil),
            ]
            for (range, bytes) in ranges {
                let header = range.isEmpty ? "" : "Range: \(range)\r\n"
                #expect(connection.send("GET /large-1/seg_00000.ts HTTP/1.1\r\nHost: localhost\r\n\(header)\r\n"))
                let response = try await Self.response(connection, timeout: .seconds(30))
                let expected = bytes.map { big[$0] } ?? big
                #expect(response.status == (bytes == nil ? 200 : 206), "\(range): \(response.status)")
                #expect(response.body == expected, "\(range): \(response.body.count) bytes, not the file's \(expected.count)")
            }
        }
    }

    /// One response read off the connection, by its Content-Length; what follows stays for the next.
    static func response(_ connection: RawConnection, timeout: Duration) async throws -> (status: Int, body: Data) {
        let deadline = ContinuousClock.now + timeout
        while true {
            connection.drain()
            let received = connection.received.dropFirst(connection.consumed)
            if let end = received.firstRange(of: Data("\r\n\r\n".utf8)) {
                let head = String(decoding: received[received.startIndex..<end.lowerBound], as: UTF8.self)
                let status = Int(head.dropFirst(9).prefix(3)) ?? 0
                let length = head.split(separator: "\r\n")
                    .first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if received.distance(from: end.upperBound, to: received.endIndex) >= length {
                    let body = Data(received[end.upperBound..<(end.upperBound + length)])
                    connection.consume(received.distance(from: received.startIndex, to: end.upperBound) + length)
                    return (status, body)
                }
            }
            if connection.closedByPeer { throw ServiceTestFailure("the connection closed after \(connection.received.count) bytes") }
            if ContinuousClock.now >= deadline { throw ServiceTestFailure("no whole response within \(timeout)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
