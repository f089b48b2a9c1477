import Glibc
import Hummingbird
import Metrics
import NIOCore
import NIOHTTPTypes
import Sessions

/// `GET|HEAD /<id>/<file>` answered on the event loop, on the connection's raw bytes in front of the
/// HTTP/1 codec, for files the router has already resolved and cached while they are still fresh
/// (`RecordingFiles.fresh`): the request that dominates live viewing costs one scan of its head, a
/// dictionary lookup and one write of bytes prepared with the file (`ServedFile.wire`), instead of
/// the HTTP/1 decoder and encoder, `HTTPFields`, a task hop, the router and five middlewares. Ranges and
/// small files go out from memory; whole large files (segments) with `sendfile` from the same file
/// version, the head and the file corked into one stream of full packets (`TCP_CORK`), which is what
/// lets the reader take them as cheaply as nginx's (bench/serve: a separate head packet cost the client
/// a wakeup per response, and copying from memory cost it cache misses on every page).
///
/// It answers only what it can answer exactly as the router would (200, 206, 304, HEAD; the read token
/// checked the same way; the same metrics series). Anything else — a miss, a stale entry, a refusal,
/// a 416, `?token=` playlists, `_HLS_msn`, a cross-origin read when CORS is on, HTTP/1.0,
/// `Connection`/`Expect`/`Upgrade`, a repeated header it reads, percent-encoding — is passed on
/// byte for byte to the codec and the router. A request with a body hands the rest of the connection
/// to the codec. While the router still owes an answer on this connection every request goes to it,
/// so responses keep the order of pipelined requests (`RouterAnswers` counts them).
///
/// Requests answered here never reach Hummingbird's connection state handler, so with the fast path
/// on, this handler also keeps the idle timeout: it sees every byte either way.
final class RecordingFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    struct Settings: Sendable {
        let files: RecordingFiles
        let readToken: String?
        let apiToken: String?
        /// With CORS configured, requests carrying `Origin` go to the router's CORS middleware.
        let corsEnabled: Bool
        let serverName: String
        let metrics = FastPathMetrics()
        /// Whole bodies at least this large are sent from the file with `sendfile`.
        var sendfileThreshold = 256 * 1024
    }

    /// `TCP_CORK` (linux/tcp.h): partial packets wait until it is cleared.
    static let cork = ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: 3))

    /// The router's side of the connection: how many forwarded requests it has not finished answering.
    final class RouterAnswers {
        var owed = 0
    }

    /// A request head this handler may answer: what it read of it.
    struct RequestHead {
        var isHead = false
        var target: Substring = ""
        var authorization: String?
        var range: String?
        var ifRange: String?
        var ifNoneMatch: String?
        var ifModifiedSince: String?
        var hasOrigin = false
    }

    /// The longest request head this handler looks at; a longer one is the codec's to refuse.
    static let maxHeadBytes = 16 * 1024

    private let settings: Settings
    private let serverLine: [UInt8]
    private let router: RouterAnswers
    private let idleTimeout: TimeAmount?
    private let markActive: () -> Void
    private var pending: ByteBuffer?
    /// After a request with a body, every byte is the codec's.
    private var passThrough = false
    private var needsFlush = false
    private var lastActivity = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?
    /// The writability the handlers behind this one last heard of (see `channelWritabilityChanged`).
    private var writableBehind = true

    init(settings: Settings, router: RouterAnswers, idleTimeout: TimeAmount?, markActive: @escaping () -> Void) {
        self.settings = settings
        serverLine = Array("Server: \(settings.serverName)\r\n".utf8)
        self.router = router
        self.idleTimeout = idleTimeout
        self.markActive = markActive
    }

    // MARK: Idle timeout

    func handlerAdded(context: ChannelHandlerContext) {
        lastActivity = context.eventLoop.now
        if context.channel.isActive { scheduleIdleCheck(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        scheduleIdleCheck(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
        context.fireChannelInactive()
    }

    private func scheduleIdleCheck(_ context: ChannelHandlerContext) {
        guard let idleTimeout, idleCheck == nil else { return }
        let deadline = lastActivity + idleTimeout
        idleCheck = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: deadline) { [self] in
            idleCheck = nil
            // Busy while the router owes an answer (a held blocking reload, a long download). A head
            // that is still arriving does not count: a client trickling one is idle.
            if router.owed == 0, context.eventLoop.now >= lastActivity + idleTimeout {
                context.close(promise: nil)
            } else {
                if router.owed > 0 { lastActivity = context.eventLoop.now }
                scheduleIdleCheck(context)
            }
        }
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if passThrough {
            lastActivity = context.eventLoop.now
            context.fireChannelRead(data)
            return
        }
        var incoming = unwrapInboundIn(data)
        if pending == nil || pending?.readableBytes == 0 {
            pending = incoming
        } else {
            pending!.writeBuffer(&incoming)
        }
        drain(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
            markActive()
        }
        context.fireChannelReadComplete()
    }

    /// Every complete request head in `pending`: answered here or handed on.
    private func drain(context: ChannelHandlerContext) {
        while var buffer = pending, buffer.readableBytes > 0 {
            guard let headLength = Self.headLength(buffer) else {
                if buffer.readableBytes > Self.maxHeadBytes { handOverRest(context: context) }
                return
            }
            // A whole request head is activity; bytes of one trickled in are not (as for the codec).
            lastActivity = context.eventLoop.now
            switch Self.parse(buffer.readableBytesView.prefix(headLength)) {
            case .answerable(let head):
                if router.owed == 0, let ready = prepare(head) {
                    buffer.moveReaderIndex(forwardBy: headLength)
                    pending = buffer
                    respond(ready, context: context)
                } else {
                    forward(headLength, context: context)
                }
            case .bodiless:
                forward(headLength, context: context)
            case .other:
                handOverRest(context: context)
                return
            }
        }
        pending = nil
    }

    /// Hands one request head (no body) to the codec, for the router.
    private func forward(_ length: Int, context: ChannelHandlerContext) {
        guard let slice = pending?.readSlice(length: length) else { return }
        router.owed += 1
        passWritability(context: context)
        context.fireChannelRead(wrapInboundOut(slice))
    }

    /// A request with a body, or bytes this handler does not parse: the rest of the connection is the codec's.
    private func handOverRest(context: ChannelHandlerContext) {
        lastActivity = context.eventLoop.now
        passThrough = true
        router.owed += 1
        passWritability(context: context)
        if let rest = pending, rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
        pending = nil
    }

    // MARK: Writability

    /// A 64 KiB range or a segment written here takes the channel past its high watermark and back,
    /// and each change told to the handlers behind cost Hummingbird's async writer a lock and its
    /// state machine (8 % of a range request's CPU in bench/serve). While the router owes no answer
    /// it has nothing to write, so changes wait here, and the router hears the current state before
    /// its next request. Once the codec has the connection, every change goes on.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if router.owed > 0 || passThrough { passWritability(context: context) }
    }

    private func passWritability(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        guard writable != writableBehind else { return }
        writableBehind = writable
        context.fireChannelWritabilityChanged()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        lastActivity = context.eventLoop.now
        context.write(data, promise: promise)
    }

    // MARK: Answering

    private struct Prepared {
        let file: ServedFile
        let answer: FileAnswer
        let isHead: Bool
        let started: ContinuousClock.Instant
    }

    private func prepare(_ request: RequestHead) -> Prepared? {
        if settings.corsEnabled, request.hasOrigin { return nil }
        // Byte by byte: the target is ASCII (checked when it was read).
        var path = request.target.utf8.dropFirst()
        var token: Substring?
        if let question = path.firstIndex(of: UInt8(ascii: "?")) {
            let query = Substring(request.target.utf8[path.index(after: question)...])
            path = path[..<question]
            // Only a plain `token=` (no escapes) is understood here.
            guard query.hasPrefix("token="),
                  !query.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") })
            else { return nil }
            token = query.dropFirst("token=".count)
        }
        guard let slash = path.firstIndex(of: UInt8(ascii: "/")),
              path[..<slash].isSafeFileName, path[path.index(after: slash)...].isSafeFileName else { return nil }

        if let readToken = settings.readToken {
            guard let presented = AuthMiddleware<BasicRequestContext>.bearer(authorization: request.authorization) ?? token.map(String.init),
                  AuthMiddleware<BasicRequestContext>.matches(presented, readToken)
                    || settings.apiToken.map({ AuthMiddleware<BasicRequestContext>.matches(presented, $0) }) == true
            else { return nil }
        }
        // The cache's key is `<id>/<file>`: the path itself.
        guard let file = settings.files.fresh(key: String(Substring(path))) else { return nil }
        // A playlist with `?token=` is rewritten per token by the router.
        if token != nil, file.isPlaylist { return nil }
        let answer = FileAnswer(file, ifNoneMatch: request.ifNoneMatch, ifModifiedSince: request.ifModifiedSince,
                                range: request.range, ifRange: request.ifRange)
        switch answer {
        case .unsatisfiable: return nil
        case .whole, .partial: if file.body == nil { return nil }
        case .notModified: break
        }
        return Prepared(file: file, answer: answer, isHead: request.isHead, started: .now)
    }

    private func respond(_ ready: Prepared, context: ChannelHandlerContext) {
        let file = ready.file
        let wire = file.wire
        let date = HTTPDate.dateLine()
        let status: Int
        var out: ByteBuffer
        switch ready.answer {
        case .notModified:
            status = 304
            out = context.channel.allocator.buffer(capacity: wire.notModified.count + date.count + serverLine.count + 2)
            out.writeBytes(wire.notModified)
            out.writeBytes(date)
            out.writeBytes(serverLine)
            out.writeStaticString("\r\n")
            context.write(wrapOutboundOut(.byteBuffer(out)), promise: nil)
        case .partial(let range):
            status = 206
            out = context.channel.allocator.buffer(capacity: wire.partial.count + date.count + serverLine.count + 96 + (ready.isHead ? 0 : min(range.count, 16 * 1024)))
            out.writeBytes(wire.partial)
            // Piece by piece: each number is a small (inline) String, where one interpolated line
            // needed a heap allocation per range.
            out.writeStaticString("Content-Length: ")
            out.writeString(String(range.count))
            out.writeStaticString("\r\nContent-Range: bytes ")
            out.writeString(String(range.lowerBound))
            out.writeStaticString("-")
            out.writeString(String(range.upperBound))
            out.writeStaticString("/")
            out.writeString(String(file.bodySize))
            out.writeStaticString("\r\n")
            out.writeBytes(date)
            out.writeBytes(serverLine)
            out.writeStaticString("\r\n")
            if !ready.isHead, let whole = file.body {
                var slice = whole.getSlice(at: whole.readerIndex + range.lowerBound, length: range.count)!
                write(head: &out, body: &slice, context: context)
            } else {
                context.write(wrapOutboundOut(.byteBuffer(out)), promise: nil)
            }
        case .whole, .unsatisfiable:
            status = 200
            out = context.channel.allocator.buffer(capacity: wire.whole.count + date.count + serverLine.count + 2 + (ready.isHead ? 0 : min(file.bodySize, 16 * 1024)))
            out.writeBytes(wire.whole)
            out.writeBytes(date)
            out.writeBytes(serverLine)
            out.writeStaticString("\r\n")
            if ready.isHead || file.bodySize == 0 {
                context.write(wrapOutboundOut(.byteBuffer(out)), promise: nil)
            } else if file.bodySize >= settings.sendfileThreshold, let region = Self.openRegion(file) {
                write(head: out, region: region, context: context)
            } else if var body = file.body {
                write(head: &out, body: &body, context: context)
            }
        }
        needsFlush = true
        settings.metrics.record(status: status, isHead: ready.isHead, since: ready.started)
    }

    /// The head, then the file: corked, so the head leaves in the file's first full packet and the
    /// last partial packet when the file is written; the file is closed then too.
    private func write(head: ByteBuffer, region: FileRegion, context: ChannelHandlerContext) {
        let options = context.channel.syncOptions
        let corked = (try? options?.setOption(Self.cork, value: 1)) != nil
        context.write(wrapOutboundOut(.byteBuffer(head)), promise: nil)
        let handle = region.fileHandle
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { _ in
            try? handle.close()
            if corked { try? options?.setOption(Self.cork, value: 0) }
        }
        context.write(wrapOutboundOut(.fileRegion(region)), promise: written)
    }

    /// The file of this version, opened for `sendfile`; nil when it changed or is gone, or when the
    /// body is not the file as it is (then the cached body is sent).
    private static func openRegion(_ file: ServedFile) -> FileRegion? {
        guard file.bodySize == file.size else { return nil }
        let descriptor = Glibc.open(file.realPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, file.sameVersion(size: Int(status.st_size), modified: status.st_mtim) else {
            Glibc.close(descriptor)
            return nil
        }
        return FileRegion(fileHandle: NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor), readerIndex: 0, endIndex: file.size)
    }

    /// Small bodies go in the head's buffer (one write); larger ones as their own buffer after it.
    private func write(head: inout ByteBuffer, body: inout ByteBuffer, context: ChannelHandlerContext) {
        if body.readableBytes <= 16 * 1024 {
            head.writeBuffer(&body)
            context.write(wrapOutboundOut(.byteBuffer(head)), promise: nil)
        } else {
            context.write(wrapOutboundOut(.byteBuffer(head)), promise: nil)
            context.write(wrapOutboundOut(.byteBuffer(body)), promise: nil)
        }
    }
}

// MARK: - Reading a request head

extension RecordingFastPath {
    enum Parsed {
        /// `GET`/`HEAD` of an origin-form target over HTTP/1.1, no body, only headers understood here.
        case answerable(RequestHead)
        /// A request without a body this handler does not answer: handed on as it is.
        case bodiless
        /// A body, or anything not parsed here: the codec takes the connection from here.
        case other
    }

    /// The length of the head at the front of `buffer` through its blank line (CRLF CRLF, or a bare
    /// LF where the codec accepts one), if it is all there.
    static func headLength(_ buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            let count = min(bytes.count, maxHeadBytes)
            var index = 1
            while index < count {
                if bytes[index] == 0x0A {
                    let before = bytes[index - 1]
                    if before == 0x0A || (before == 0x0D && index >= 2 && bytes[index - 2] == 0x0A) { return index + 1 }
                }
                index += 1
            }
            return nil
        }
    }

    static func parse(_ head: ByteBufferView) -> Parsed {
        var lines = Lines(head)
        guard let requestLine = lines.next() else { return .other }
        guard let firstSpace = requestLine.firstIndex(of: UInt8(ascii: " ")),
              let lastSpace = requestLine.lastIndex(of: UInt8(ascii: " ")), firstSpace < lastSpace,
              requestLine[(lastSpace + 1)...].elementsEqual("HTTP/1.1".utf8)
        else { return .other }
        let method = requestLine[..<firstSpace], target = requestLine[(firstSpace + 1)..<lastSpace]
        var request = RequestHead()
        var answerable = true
        if method.elementsEqual("GET".utf8) {
            request.isHead = false
        } else if method.elementsEqual("HEAD".utf8) {
            request.isHead = true
        } else {
            answerable = false
        }
        guard let first = target.first, first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return .other }
        var seen: UInt16 = 0
        while let line = lines.next() {
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy(isTokenByte)
            else { return .other }
            let name = HeaderName(line[line.startIndex..<colon])
            switch name {
            case .contentLength:
                // A zero length has no body; any other length, or chunking, is the codec's.
                guard trimmed(line[(colon + 1)...]).elementsEqual("0".utf8) else { return .other }
                answerable = false
            case .transferEncoding:
                return .other
            case .connection:
                // HTTP/1.1 keeps the connection open anyway; anything else (`close`, `upgrade`) is the router's.
                let value = trimmed(line[(colon + 1)...])
                if value.count != 10 || !zip(value, "keep-alive".utf8).allSatisfy({ ($0 | 0x20) == $1 }) { answerable = false }
                continue
            case .expect, .upgrade, .unsupported:
                answerable = false
            case .other:
                continue
            default:
                break
            }
            guard answerable else { continue }
            guard seen & name.bit == 0 else { answerable = false; continue }
            seen |= name.bit
            let value = String(decoding: trimmed(line[(colon + 1)...]), as: UTF8.self)
            switch name {
            case .authorization: request.authorization = value
            case .range: request.range = value
            case .ifRange: request.ifRange = value
            case .ifNoneMatch: request.ifNoneMatch = value
            case .ifModifiedSince: request.ifModifiedSince = value
            case .origin: request.hasOrigin = true
            default: break
            }
        }
        guard answerable else { return .bodiless }
        request.target = Substring(decoding: target, as: UTF8.self)
        return .answerable(request)
    }

    /// The header names this handler reads or must not answer with.
    enum HeaderName: UInt8 {
        case authorization, range, ifRange, ifNoneMatch, ifModifiedSince, origin
        case contentLength, transferEncoding, connection, expect, upgrade
        /// Preconditions the fast path does not evaluate (`If-Match`, `If-Unmodified-Since`).
        case unsupported
        case other

        /// Its bit in the set of names seen in one head.
        var bit: UInt16 { 1 << rawValue }

        init(_ name: ByteBufferView.SubSequence) {
            func equals(_ expected: StaticString) -> Bool {
                guard name.count == expected.utf8CodeUnitCount else { return false }
                return zip(name, UnsafeBufferPointer(start: expected.utf8Start, count: expected.utf8CodeUnitCount)).allSatisfy {
                    ($0 | 0x20) == $1 || $0 == $1
                }
            }
            switch name.count {
            case 5: self = equals("range") ? .range : .other
            case 6: self = equals("origin") ? .origin : equals("expect") ? .expect : .other
            case 7: self = equals("upgrade") ? .upgrade : .other
            case 8: self = equals("if-range") ? .ifRange : equals("if-match") ? .unsupported : .other
            case 10: self = equals("connection") ? .connection : .other
            case 13: self = equals("authorization") ? .authorization : equals("if-none-match") ? .ifNoneMatch : .other
            case 14: self = equals("content-length") ? .contentLength : .other
            case 17: self = equals("if-modified-since") ? .ifModifiedSince : equals("transfer-encoding") ? .transferEncoding : .other
            case 19: self = equals("if-unmodified-since") ? .unsupported : .other
            default: self = .other
            }
        }
    }

    /// The lines of a head, split at CRLF (a bare LF ends a line too, as the codec allows).
    struct Lines {
        private var rest: ByteBufferView.SubSequence

        init(_ head: ByteBufferView) {
            rest = head[...]
        }

        mutating func next() -> ByteBufferView.SubSequence? {
            guard let newline = rest.firstIndex(of: 0x0A) else { return nil }
            var line = rest[rest.startIndex..<newline]
            if line.last == 0x0D { line = line.dropLast() }
            rest = rest[(newline + 1)...]
            return line
        }
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }

    static func trimmed(_ value: ByteBufferView.SubSequence) -> ByteBufferView.SubSequence {
        var value = value
        while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
        return value
    }
}

/// Behind Hummingbird's connection state handler: counts the end of each answer the router writes,
/// so the fast path knows when it may answer again without overtaking one.
final class RouterAnswerCounter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let router: RecordingFastPath.RouterAnswers

    init(router: RecordingFastPath.RouterAnswers) {
        self.router = router
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { router.owed = max(0, router.owed - 1) }
        context.write(data, promise: promise)
    }
}

/// The router's request series for the file route (`RequestMetricsMiddleware`'s labels), with the
/// handles of the few statuses the fast path answers made once.
final class FastPathMetrics: Sendable {
    static let route = "/{sessionId}/{file}"
    private let handles = RequestMetricHandles()
    private let made: [Int: (Counter, Timer)]

    init() {
        var made: [Int: (Counter, Timer)] = [:]
        for status in [200, 206, 304] {
            made[status] = handles.handles(route: Self.route, method: "GET", status: status)
            made[-status] = handles.handles(route: Self.route, method: "HEAD", status: status)
        }
        self.made = made
    }

    func record(status: Int, isHead: Bool, since started: ContinuousClock.Instant) {
        guard let (counter, timer) = made[isHead ? -status : status] else { return }
        counter.increment()
        let elapsed = ContinuousClock.now - started
        timer.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
