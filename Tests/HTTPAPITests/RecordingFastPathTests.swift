import Foundation
import HTTPTypes
@testable import HTTPAPI
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Recorder
import StreamdTestSupport
import Testing

/// The fast path in front of the router, on an EmbeddedChannel: what it answers itself must be what the
/// file route answers; everything else must reach the router untouched.
@Suite struct RecordingFastPathTests {
    struct Fixture {
        let directory: URL
        let files: RecordingFiles
        let changes = RecordingChanges()
        let segment: [UInt8]

        init(readToken: String? = nil) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("streamd-fast-\(UUID().uuidString)")
            let recording = directory.appendingPathComponent("fast-1")
            try FileManager.default.createDirectory(at: recording, withIntermediateDirectories: true)
            segment = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }
            try Data(segment).write(to: recording.appendingPathComponent("seg_00000.ts"))
            try LiveWindowTests.eventPlaylist(segments: 1).write(to: recording.appendingPathComponent("index.m3u8"), atomically: true, encoding: .utf8)
            files = RecordingFiles(recordingsPath: directory.path, isPrivate: readToken != nil, changes: changes)
            // The router's first read is what puts a file in the cache.
            _ = try await files.file(sessionId: "fast-1", name: "seg_00000.ts")
            _ = try await files.file(sessionId: "fast-1", name: "index.m3u8")
        }

        func channel(readToken: String? = nil, cors: Bool = false) throws -> EmbeddedChannel {
            let settings = RecordingFastPath.Settings(files: files, readToken: readToken, apiToken: nil, corsEnabled: cors, serverName: "streamd")
            let router = RecordingFastPath.RouterAnswers()
            let channel = EmbeddedChannel()
            try channel.pipeline.syncOperations.addHandler(
                RecordingFastPath(settings: settings, router: router, idleTimeout: nil, markActive: {}))
            try channel.pipeline.syncOperations.addHandler(Router(router: router))
            return channel
        }
    }

    /// Stands in for the codec and the router behind the fast path: records what reaches it, and
    /// writes the router's answers back through the fast path when told to.
    final class Router: ChannelDuplexHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundIn = IOData
        let router: RecordingFastPath.RouterAnswers
        var received = ByteBuffer()
        /// Requests and writability changes in the order they arrived.
        var events: [String] = []

        init(router: RecordingFastPath.RouterAnswers) {
            self.router = router
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            received.writeBuffer(&bytes)
            events.append("request")
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            events.append(context.channel.isWritable ? "writable" : "unwritable")
        }
    }

    /// A response as it went out on the wire.
    struct WireResponse {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]

        subscript(_ name: String) -> String? { headers[name.lowercased()] }
    }

    enum Outcome {
        case answered(WireResponse)
        case forwarded(String)
    }

    static func requestBytes(_ path: String, _ fields: [(String, String)] = [], method: String = "GET", version: String = "HTTP/1.1") -> String {
        "\(method) \(path) \(version)\r\nHost: localhost\r\n" + fields.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n"
    }

    static func send(_ channel: EmbeddedChannel, _ path: String, _ fields: [(String, String)] = [], method: String = "GET") throws -> Outcome {
        try send(channel, raw: requestBytes(path, fields, method: method))
    }

    /// Writes `raw` in as the peer would; answered (parsed back from the bytes written out) or forwarded.
    static func send(_ channel: EmbeddedChannel, raw: String) throws -> Outcome {
        let router = try channel.pipeline.syncOperations.handler(type: Router.self)
        router.received.clear()
        try channel.writeInbound(ByteBuffer(string: raw))
        channel.pipeline.fireChannelReadComplete()
        if router.received.readableBytes > 0 { return .forwarded(String(buffer: router.received)) }
        var out: [UInt8] = []
        while let data = try channel.readOutbound(as: IOData.self) {
            switch data {
            case .byteBuffer(let buffer): out += Array(buffer.readableBytesView)
            case .fileRegion(let region): out += try Self.bytes(of: region)
            }
        }
        guard let response = parse(out) else { throw TestFailure("nothing answered and nothing forwarded") }
        return .answered(response)
    }

    static func parse(_ bytes: [UInt8]) -> WireResponse? {
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { bytes[$0..<($0 + 4)].elementsEqual("\r\n\r\n".utf8) }) else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].lowercased()
            guard headers[name] == nil else { return nil }  // every header once
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return WireResponse(status: status, headers: headers, body: Array(bytes[(end + 4)...]))
    }

    /// What Hummingbird does for a forwarded request: its answer, through the fast path's outbound side.
    static func routerAnswers(_ channel: EmbeddedChannel, count: Int = 1) throws {
        let router = try channel.pipeline.syncOperations.handler(type: Router.self)
        for _ in 0..<count {
            router.router.owed = max(0, router.router.owed - 1)
            try channel.writeOutbound(IOData.byteBuffer(ByteBuffer(string: "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")))
        }
        while try channel.readOutbound(as: IOData.self) != nil {}
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func answered(_ outcome: Outcome, _ what: String) throws -> WireResponse {
        guard case .answered(let response) = outcome else { throw TestFailure("\(what) was forwarded to the router") }
        return response
    }

    static func forwarded(_ outcome: Outcome, _ what: String) throws -> String {
        guard case .forwarded(let bytes) = outcome else { throw TestFailure("\(what) was answered by the fast path") }
        return bytes
    }

    @Test func cachedFilesAreAnsweredWithRangesHeadAnd304() async throws {
        let fixture = try await Fixture()
        let channel = try fixture.channel()
        let whole = try Self.answered(Self.send(channel, "/fast-1/seg_00000.ts"), "GET")
        #expect(whole.status == 200)
        #expect(whole.body == fixture.segment)
        #expect(whole["Content-Length"] == "5000")
        #expect(whole["Content-Type"] == "video/mp2t")
        #expect(whole["Accept-Ranges"] == "bytes")
        #expect(whole["Cache-Control"] == "public, max-age=31536000, immutable")
        #expect(whole["Server"] == "streamd")
        #expect(whole["Date"].flatMap(HTTPDate.parse) != nil)
        let etag = try #require(whole["ETag"])
        let modified = try #require(whole["Last-Modified"])

        let head = try Self.answered(Self.send(channel, "/fast-1/seg_00000.ts", method: "HEAD"), "HEAD")
        #expect(head.status == 200 && head.body.isEmpty && head["Content-Length"] == "5000")

        let partial = try Self.answered(Self.send(channel, "/fast-1/seg_00000.ts", [("Range", "bytes=100-199")]), "a range")
        #expect(partial.status == 206)
        #expect(partial.body == Array(fixture.segment[100...199]))
        #expect(partial["Content-Range"] == "bytes 100-199/5000")
        #expect(partial["Content-Length"] == "100")

        // Header names in any case, values with surrounding whitespace, a browser's keep-alive.
        let revalidated = try Self.answered(Self.send(channel, "/fast-1/seg_00000.ts", [("if-none-match", "  \(etag) "), ("Connection", "Keep-Alive")]),
                                            "If-None-Match")
        #expect(revalidated.status == 304 && revalidated.body.isEmpty && revalidated["ETag"] == etag)
        #expect(revalidated["Content-Type"] == nil)
        let since = try Self.answered(Self.send(channel, "/fast-1/seg_00000.ts", [("If-Modified-Since", modified)]), "If-Modified-Since")
        #expect(since.status == 304)
    }

    /// Where the socket would be: the cork option as each write passes.
    final class SocketSide: ChannelOutboundHandler {
        typealias OutboundIn = IOData
        var corkedWrites: [String: Int] = [:]

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let kind: String
            switch unwrapOutboundIn(data) {
            case .byteBuffer: kind = "head"
            case .fileRegion: kind = "file"
            }
            if (try? context.channel.syncOptions?.getOption(RecordingFastPath.cork)) == 1 { corkedWrites[kind, default: 0] += 1 }
            context.write(data, promise: promise)
        }
    }

    static func bytes(of region: FileRegion) throws -> [UInt8] {
        try region.fileHandle.withUnsafeFileDescriptor { descriptor in
            var bytes = [UInt8](repeating: 0, count: region.readableBytes)
            let count = pread(descriptor, &bytes, bytes.count, off_t(region.readerIndex))
            return Array(bytes.prefix(max(0, count)))
        }
    }

    @Test func largeWholeFilesAreSentFromTheFileCorkedWithTheirHead() async throws {
        let fixture = try await Fixture()
        var settings = RecordingFastPath.Settings(files: fixture.files, readToken: nil, apiToken: nil, corsEnabled: false, serverName: "streamd")
        settings.sendfileThreshold = 1000
        let router = RecordingFastPath.RouterAnswers()
        let channel = EmbeddedChannel()
        let socket = SocketSide()
        try channel.pipeline.syncOperations.addHandler(socket)
        try channel.pipeline.syncOperations.addHandler(RecordingFastPath(settings: settings, router: router, idleTimeout: nil, markActive: {}))
        try channel.pipeline.syncOperations.addHandler(Router(router: router))

        // The head and the file reach the socket corked; once the file is written the socket is
        // uncorked and the file closed.
        try channel.writeInbound(ByteBuffer(string: Self.requestBytes("/fast-1/seg_00000.ts")))
        #expect(socket.corkedWrites == ["head": 1, "file": 1])
        guard case .byteBuffer(let head) = try channel.readOutbound(as: IOData.self),
              case .fileRegion(let region) = try channel.readOutbound(as: IOData.self) else {
            Issue.record("the body was not a file region"); return
        }
        #expect(String(buffer: head).hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(String(buffer: head).contains("Content-Length: 5000\r\n"))
        #expect(region.readerIndex == 0 && region.endIndex == 5000)
        #expect(try channel.syncOptions?.getOption(RecordingFastPath.cork) == 0)
        #expect(throws: (any Error).self) { try Self.bytes(of: region) }

        // Ranges and HEAD still come from memory.
        let partial = try Self.answered(Self.send(channel, "/fast-1/seg_00000.ts", [("Range", "bytes=10-19")]), "a range")
        #expect(partial.body == Array(fixture.segment[10...19]))
        let head2 = try Self.answered(Self.send(channel, "/fast-1/seg_00000.ts", method: "HEAD"), "HEAD")
        #expect(head2.status == 200 && head2.body.isEmpty)

        // A file rewritten since it was cached (another version on disk) is sent from the cached bytes,
        // which are the version the head describes.
        let path = fixture.directory.appendingPathComponent("fast-1/seg_00000.ts")
        try Data(repeating: 1, count: 6000).write(to: path)
        try channel.writeInbound(ByteBuffer(string: Self.requestBytes("/fast-1/seg_00000.ts")))
        channel.pipeline.fireChannelReadComplete()
        var out: [UInt8] = []
        while let data = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = data else { Issue.record("a file region for a changed file"); return }
            out += Array(buffer.readableBytesView)
        }
        let stale = try #require(Self.parse(out))
        #expect(stale.body == fixture.segment)
    }

    @Test func pipelinedAndSplitRequestsAreAnsweredInOrder() async throws {
        let fixture = try await Fixture()
        let channel = try fixture.channel()
        let two = Self.requestBytes("/fast-1/seg_00000.ts", [("Range", "bytes=0-9")]) + Self.requestBytes("/fast-1/seg_00000.ts", [("Range", "bytes=10-19")])
        try channel.writeInbound(ByteBuffer(string: two))
        var out = ByteBuffer()
        while case .byteBuffer(var buffer) = try channel.readOutbound(as: IOData.self) { out.writeBuffer(&buffer) }
        let text = String(buffer: out)
        let first = try #require(text.range(of: "Content-Range: bytes 0-9/5000"))
        let second = try #require(text.range(of: "Content-Range: bytes 10-19/5000"))
        #expect(first.lowerBound < second.lowerBound)

        // A head that arrives in pieces is answered once it is whole.
        let raw = Array(Self.requestBytes("/fast-1/seg_00000.ts").utf8)
        for split in [1, 17, raw.count - 2] {
            try channel.writeInbound(ByteBuffer(bytes: raw[..<split]))
            #expect(try channel.readOutbound(as: IOData.self) == nil)
            let rest = try Self.answered(Self.send(channel, raw: String(decoding: raw[split...], as: UTF8.self)), "split at \(split)")
            #expect(rest.status == 200 && rest.body == fixture.segment)
        }
        // Lines ended by a bare LF, which the codec accepts too, end a head as well.
        let bare = try Self.answered(Self.send(channel, raw: "GET /fast-1/seg_00000.ts HTTP/1.1\nHost: localhost\n\n"), "a head with bare LFs")
        #expect(bare.status == 200)
    }

    @Test(arguments: [
        "/fast-1/seg_00001.ts", "/fast-1/..%2Fseg_00000.ts", "/fast-1/../fast-1/seg_00000.ts", "/fast-1/.seg_00000.ts",
        "/fast-1//seg_00000.ts", "/fast-1/seg_00000.ts/", "/fast-1/seg_00000.ts?x=1", "/fast-1/seg%5F00000.ts", "fast-1/seg_00000.ts",
        "/fast-1/index.m3u8?_HLS_msn=1", "/fast-1/index.m3u8?token=abc", "http://localhost/fast-1/seg_00000.ts",
    ])
    func everythingElseReachesTheRouter(path: String) async throws {
        let fixture = try await Fixture()
        let channel = try fixture.channel()
        let request = Self.requestBytes(path)
        #expect(try Self.forwarded(Self.send(channel, raw: request), path) == request)
    }

    /// Requests the fast path must not answer go to the router byte for byte; one with a body hands
    /// it the rest of the connection.
    @Test(arguments: [
        (RequestCase.http10, true), (.connectionClose, false), (.ifMatch, false), (.repeatedRange, false),
        (.contentLengthZero, false), (.bodyFollows, true), (.chunked, true), (.expect, false), (.post, false),
    ])
    func requestsItDoesNotAnswerAreForwardedAsTheyCame(request: RequestCase, takesConnection: Bool) async throws {
        let fixture = try await Fixture()
        let channel = try fixture.channel()
        #expect(try Self.forwarded(Self.send(channel, raw: request.raw), "\(request)") == request.raw)
        try Self.routerAnswers(channel)
        let next = try Self.send(channel, "/fast-1/seg_00000.ts")
        if takesConnection {
            _ = try Self.forwarded(next, "a request after \(request)")
        } else {
            #expect(try Self.answered(next, "a request after \(request)").status == 200)
        }
    }

    enum RequestCase: String, CustomTestStringConvertible {
        case http10, connectionClose, ifMatch, repeatedRange, contentLengthZero, bodyFollows, chunked, expect, post

        var testDescription: String { rawValue }

        var raw: String {
            let path = "/fast-1/seg_00000.ts"
            switch self {
            case .http10: return RecordingFastPathTests.requestBytes(path, version: "HTTP/1.0")
            case .connectionClose: return RecordingFastPathTests.requestBytes(path, [("Connection", "close")])
            case .ifMatch: return RecordingFastPathTests.requestBytes(path, [("If-Match", "\"x\"")])
            case .repeatedRange: return RecordingFastPathTests.requestBytes(path, [("Range", "bytes=0-1"), ("range", "bytes=2-3")])
            case .contentLengthZero: return RecordingFastPathTests.requestBytes(path, [("Content-Length", "0")])
            case .bodyFollows: return RecordingFastPathTests.requestBytes(path, [("Content-Length", "5")]) + "hello"
            case .chunked: return RecordingFastPathTests.requestBytes(path, [("Transfer-Encoding", "chunked")]) + "5\r\nhello\r\n0\r\n\r\n"
            case .expect: return RecordingFastPathTests.requestBytes(path, [("Expect", "100-continue")])
            case .post: return RecordingFastPathTests.requestBytes(path, method: "POST")
            }
        }
    }

    @Test func refusalsAndCrossOriginReadsReachTheRouter() async throws {
        let fixture = try await Fixture()
        let plain = try fixture.channel()
        _ = try Self.forwarded(Self.send(plain, "/fast-1/seg_00000.ts", [("Range", "bytes=9000-")]), "a 416")
        try Self.routerAnswers(plain)

        let cors = try fixture.channel(cors: true)
        _ = try Self.forwarded(Self.send(cors, "/fast-1/seg_00000.ts", [("Origin", "http://elsewhere.example")]), "a CORS read")
        try Self.routerAnswers(cors)
        _ = try Self.answered(Self.send(cors, "/fast-1/seg_00000.ts"), "a same-origin read")
    }

    @Test func theReadTokenIsCheckedLikeTheAuthMiddleware() async throws {
        let fixture = try await Fixture(readToken: "reader")
        let channel = try fixture.channel(readToken: "reader")
        _ = try Self.forwarded(Self.send(channel, "/fast-1/seg_00000.ts"), "a read without a token")
        try Self.routerAnswers(channel)
        _ = try Self.forwarded(Self.send(channel, "/fast-1/seg_00000.ts", [("Authorization", "Bearer readers")]), "a wrong token")
        try Self.routerAnswers(channel)
        let bearer = try Self.answered(Self.send(channel, "/fast-1/seg_00000.ts", [("Authorization", "Bearer reader")]), "the token")
        #expect(bearer["Cache-Control"] == "private, max-age=31536000, immutable")
        _ = try Self.answered(Self.send(channel, "/fast-1/seg_00000.ts?token=reader"), "?token=")
    }

    @Test func aWriterSignalSendsTheNextRequestToTheRouter() async throws {
        let fixture = try await Fixture()
        let channel = try fixture.channel()
        _ = try Self.answered(Self.send(channel, "/fast-1/index.m3u8"), "the playlist")
        fixture.changes.changed("fast-1")
        _ = try Self.forwarded(Self.send(channel, "/fast-1/index.m3u8"), "a changed playlist")
        try Self.routerAnswers(channel)
        // The router's next read confirms it, and the fast path takes over again.
        _ = try await fixture.files.file(sessionId: "fast-1", name: "index.m3u8")
        _ = try Self.answered(Self.send(channel, "/fast-1/index.m3u8"), "the revalidated playlist")
    }

    @Test func writabilityReachesTheRouterWhenItHasSomethingToWrite() async throws {
        let fixture = try await Fixture()
        let channel = try fixture.channel()
        let router = try channel.pipeline.syncOperations.handler(type: Router.self)
        func writable(_ value: Bool) {
            channel.isWritable = value
            channel.pipeline.fireChannelWritabilityChanged()
        }
        // The fast path's own large writes and their flushes: the router, owing nothing, hears nothing.
        writable(false)
        writable(true)
        writable(false)
        #expect(router.events.isEmpty)
        // A request for the router: it first hears the state as it is now.
        _ = try Self.forwarded(Self.send(channel, "/fast-1/seg_00001.ts"), "a miss")
        #expect(router.events == ["unwritable", "request"])
        // While it owes the answer, every change reaches it.
        writable(true)
        #expect(router.events == ["unwritable", "request", "writable"])
        try Self.routerAnswers(channel)
        // Answered: changes wait again; a state back where the router last heard it is not repeated.
        writable(false)
        writable(true)
        _ = try Self.forwarded(Self.send(channel, "/fast-1/seg_00001.ts"), "another miss")
        #expect(router.events == ["unwritable", "request", "writable", "request"])
        try Self.routerAnswers(channel)
        // Once a request with a body hands the connection to the codec, every change goes on.
        _ = try Self.forwarded(Self.send(channel, raw: RequestCase.bodyFollows.raw), "a request with a body")
        try Self.routerAnswers(channel)
        writable(false)
        #expect(router.events.suffix(2) == ["request", "unwritable"])
    }

    @Test func whileTheRouterOwesAnAnswerPipelinedRequestsWait() async throws {
        let fixture = try await Fixture()
        let channel = try fixture.channel()
        _ = try Self.forwarded(Self.send(channel, "/fast-1/seg_00001.ts"), "a miss")
        // Its answer is not written yet: the next request, though cached, must not overtake it.
        _ = try Self.forwarded(Self.send(channel, "/fast-1/seg_00000.ts"), "a request behind the router's")
        try Self.routerAnswers(channel, count: 2)
        _ = try Self.answered(Self.send(channel, "/fast-1/seg_00000.ts"), "a request once the router was done")
    }

    /// An active connection whose fast path keeps an idle timeout, on the embedded loop's clock.
    static func connectedWithIdleTimeout(_ fixture: Fixture, seconds: Int64) async throws -> EmbeddedChannel {
        let settings = RecordingFastPath.Settings(files: fixture.files, readToken: nil, apiToken: nil, corsEnabled: false, serverName: "streamd")
        let router = RecordingFastPath.RouterAnswers()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(Router(router: router))
        try channel.pipeline.syncOperations.addHandler(
            RecordingFastPath(settings: settings, router: router, idleTimeout: .seconds(seconds), markActive: {}), position: .first)
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        return channel
    }

    @Test func idleConnectionsCloseAndBusyOnesStayOpen() async throws {
        let fixture = try await Fixture()
        let channel = try await Self.connectedWithIdleTimeout(fixture, seconds: 10)

        // Requests answered by the fast path count as activity.
        for _ in 0..<3 {
            channel.embeddedEventLoop.advanceTime(by: .seconds(6))
            _ = try Self.answered(Self.send(channel, "/fast-1/seg_00000.ts"), "a read")
        }
        #expect(channel.isActive)
        // While the router owes an answer (a held blocking reload) the connection is busy.
        _ = try Self.forwarded(Self.send(channel, "/fast-1/seg_00001.ts"), "a miss")
        channel.embeddedEventLoop.advanceTime(by: .seconds(25))
        #expect(channel.isActive)
        try Self.routerAnswers(channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test func aHeadTrickledInByteByByteIsIdle() async throws {
        let fixture = try await Fixture()
        let channel = try await Self.connectedWithIdleTimeout(fixture, seconds: 10)
        for byte in "GET /fast-1/seg_00000.ts HTTP/1.1\r\nX-Slow: ".utf8 {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(250))
            if !channel.isActive { break }
        }
        #expect(!channel.isActive, "a trickled head kept the connection open")
    }
}
