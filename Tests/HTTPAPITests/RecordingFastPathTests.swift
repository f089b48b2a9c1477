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
            return EmbeddedChannel(handler: RecordingFastPath(settings: settings))
        }
    }

    enum Outcome {
        case answered(HTTPResponse, [UInt8])
        case forwarded(HTTPRequest)
    }

    static func send(_ channel: EmbeddedChannel, _ path: String, _ fields: HTTPFields = [:], method: HTTPRequest.Method = .get) throws -> Outcome {
        var request = HTTPRequest(method: method, scheme: nil, authority: "localhost", path: path)
        request.headerFields = fields
        try channel.writeInbound(HTTPRequestPart.head(request))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        if let forwarded = try channel.readInbound(as: HTTPRequestPart.self) {
            guard case .head(let head) = forwarded else { throw TestFailure("forwarded \(forwarded) first") }
            _ = try channel.readInbound(as: HTTPRequestPart.self)
            return .forwarded(head)
        }
        guard case .head(let response) = try channel.readOutbound(as: HTTPResponsePart.self) else { throw TestFailure("no response head") }
        var body: [UInt8] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            if case .body(let buffer) = part { body += Array(buffer.readableBytesView) }
            if case .end = part { break }
        }
        return .answered(response, body)
    }

    /// What Hummingbird does for a forwarded request: its answer, through the fast path's outbound side.
    static func routerAnswers(_ channel: EmbeddedChannel, count: Int = 1) throws {
        for _ in 0..<count {
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .notFound)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        while try channel.readOutbound(as: HTTPResponsePart.self) != nil {}
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test func cachedFilesAreAnsweredWithRangesHeadAnd304() async throws {
        let fixture = try await Fixture()
        let channel = try fixture.channel()
        guard case .answered(let whole, let body) = try Self.send(channel, "/fast-1/seg_00000.ts") else { Issue.record("not answered"); return }
        #expect(whole.status == .ok)
        #expect(body == fixture.segment)
        #expect(whole.headerFields[.contentLength] == "5000")
        #expect(whole.headerFields[.contentType] == "video/mp2t")
        #expect(whole.headerFields[.acceptRanges] == "bytes")
        #expect(whole.headerFields[.cacheControl] == "public, max-age=31536000, immutable")
        #expect(whole.headerFields[.date] != nil)
        let etag = try #require(whole.headerFields[.eTag])
        let modified = try #require(whole.headerFields[.lastModified])

        guard case .answered(let head, let headBody) = try Self.send(channel, "/fast-1/seg_00000.ts", method: .head) else { Issue.record("HEAD not answered"); return }
        #expect(head.status == .ok && headBody.isEmpty && head.headerFields[.contentLength] == "5000")

        guard case .answered(let partial, let slice) = try Self.send(channel, "/fast-1/seg_00000.ts", [.range: "bytes=100-199"]) else {
            Issue.record("range not answered"); return
        }
        #expect(partial.status == .partialContent)
        #expect(slice == Array(fixture.segment[100...199]))
        #expect(partial.headerFields[.contentRange] == "bytes 100-199/5000")

        guard case .answered(let revalidated, let empty) = try Self.send(channel, "/fast-1/seg_00000.ts", [.ifNoneMatch: etag]) else {
            Issue.record("If-None-Match not answered"); return
        }
        #expect(revalidated.status == .notModified && empty.isEmpty && revalidated.headerFields[.eTag] == etag)
        guard case .answered(let since, _) = try Self.send(channel, "/fast-1/seg_00000.ts", [.ifModifiedSince: modified]) else {
            Issue.record("If-Modified-Since not answered"); return
        }
        #expect(since.status == .notModified)
    }

    @Test(arguments: [
        "/fast-1/seg_00001.ts", "/fast-1/..%2Fseg_00000.ts", "/fast-1/../fast-1/seg_00000.ts", "/fast-1/.seg_00000.ts",
        "/fast-1//seg_00000.ts", "/fast-1/seg_00000.ts/", "/fast-1/seg_00000.ts?x=1", "/fast-1/seg%5F00000.ts", "fast-1/seg_00000.ts",
        "/fast-1/index.m3u8?_HLS_msn=1", "/fast-1/index.m3u8?token=abc",
    ])
    func everythingElseReachesTheRouter(path: String) async throws {
        let fixture = try await Fixture()
        let channel = try fixture.channel()
        guard case .forwarded(let request) = try Self.send(channel, path) else { Issue.record("\(path) was answered by the fast path"); return }
        #expect(request.path == path)
    }

    @Test func refusalsAndCrossOriginReadsReachTheRouter() async throws {
        let fixture = try await Fixture()
        let plain = try fixture.channel()
        guard case .forwarded = try Self.send(plain, "/fast-1/seg_00000.ts", [.range: "bytes=9000-"]) else { Issue.record("416 answered"); return }
        guard case .forwarded = try Self.send(plain, "/fast-1/seg_00000.ts", method: .post) else { Issue.record("POST answered"); return }

        let cors = try fixture.channel(cors: true)
        guard case .forwarded = try Self.send(cors, "/fast-1/seg_00000.ts", [.origin: "http://elsewhere.example"]) else {
            Issue.record("a CORS read was answered without the CORS middleware"); return
        }
        try Self.routerAnswers(cors)
        guard case .answered = try Self.send(cors, "/fast-1/seg_00000.ts") else { Issue.record("a same-origin read was not answered"); return }
    }

    @Test func theReadTokenIsCheckedLikeTheAuthMiddleware() async throws {
        let fixture = try await Fixture(readToken: "reader")
        let channel = try fixture.channel(readToken: "reader")
        guard case .forwarded = try Self.send(channel, "/fast-1/seg_00000.ts") else { Issue.record("answered without a token"); return }
        try Self.routerAnswers(channel)
        guard case .forwarded = try Self.send(channel, "/fast-1/seg_00000.ts", [.authorization: "Bearer readers"]) else {
            Issue.record("answered with a wrong token"); return
        }
        try Self.routerAnswers(channel)
        guard case .answered(let bearer, _) = try Self.send(channel, "/fast-1/seg_00000.ts", [.authorization: "Bearer reader"]) else {
            Issue.record("not answered with the token"); return
        }
        #expect(bearer.headerFields[.cacheControl] == "private, max-age=31536000, immutable")
        guard case .answered = try Self.send(channel, "/fast-1/seg_00000.ts?token=reader") else { Issue.record("?token= not answered"); return }
    }

    @Test func aWriterSignalSendsTheNextRequestToTheRouter() async throws {
        let fixture = try await Fixture()
        let channel = try fixture.channel()
        guard case .answered = try Self.send(channel, "/fast-1/index.m3u8") else { Issue.record("playlist not answered"); return }
        fixture.changes.changed("fast-1")
        guard case .forwarded = try Self.send(channel, "/fast-1/index.m3u8") else { Issue.record("a changed playlist was served from memory"); return }
        try Self.routerAnswers(channel)
        // The router's next read confirms it, and the fast path takes over again.
        _ = try await fixture.files.file(sessionId: "fast-1", name: "index.m3u8")
        guard case .answered = try Self.send(channel, "/fast-1/index.m3u8") else { Issue.record("not answered after revalidation"); return }
    }

    @Test func whileTheRouterOwesAnAnswerPipelinedRequestsWait() async throws {
        let fixture = try await Fixture()
        let channel = try fixture.channel()
        guard case .forwarded = try Self.send(channel, "/fast-1/seg_00001.ts") else { Issue.record("a miss was answered"); return }
        // Its answer is not written yet: the next request, though cached, must not overtake it.
        guard case .forwarded = try Self.send(channel, "/fast-1/seg_00000.ts") else { Issue.record("answered ahead of the router"); return }
        try Self.routerAnswers(channel, count: 2)
        guard case .answered = try Self.send(channel, "/fast-1/seg_00000.ts") else { Issue.record("not answered once the router was done"); return }
    }
}
