import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import NIOHTTPTypes
import Sessions

/// `GET|HEAD /<id>/<file>` answered on the event loop, in front of Hummingbird's router, for files the
/// router has already resolved and cached while they are still fresh (`RecordingFiles.fresh`): the
/// request that dominates live viewing costs a dictionary lookup and one write, instead of a task hop,
/// the router and five middlewares. It answers only what it can answer exactly as the router would
/// (200, 206, 304, HEAD; the read token checked the same way; the same metrics series); anything else
/// (a miss, a stale entry, a refusal, a 416, `?token=` playlists, `_HLS_msn`, a cross-origin read when
/// CORS is on, a request with a body, percent-encoding) is passed to the router untouched. While the
/// router still owes an answer on this connection every request goes to it, so responses keep the
/// order of pipelined requests.
final class RecordingFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    struct Settings: Sendable {
        let files: RecordingFiles
        let readToken: String?
        let apiToken: String?
        /// With CORS configured, requests carrying `Origin` go to the router's CORS middleware.
        let corsEnabled: Bool
        let serverName: String
        let metrics = FastPathMetrics()
    }

    private struct Prepared {
        let file: ServedFile
        let answer: FileAnswer
        let isHead: Bool
        let started: ContinuousClock.Instant
    }

    private let settings: Settings
    /// Requests handed to the router that it has not finished answering.
    private var routerOwes = 0
    private var prepared: Prepared?
    private var needsFlush = false

    init(settings: Settings) {
        self.settings = settings
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if routerOwes == 0, let ready = prepare(request) {
                prepared = ready
                return
            }
            routerOwes += 1
            context.fireChannelRead(data)
        case .body:
            // Prepared requests have no body (checked); anything else is the router's.
            if prepared == nil { context.fireChannelRead(data) }
        case .end:
            guard let ready = prepared else { context.fireChannelRead(data); return }
            prepared = nil
            respond(ready, context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { routerOwes = max(0, routerOwes - 1) }
        context.write(data, promise: promise)
    }

    private func prepare(_ request: HTTPRequest) -> Prepared? {
        let isHead: Bool
        switch request.method {
        case .get: isHead = false
        case .head: isHead = true
        default: return nil
        }
        guard let target = request.path, target.utf8.first == UInt8(ascii: "/") else { return nil }
        let fields = request.headerFields
        if let length = fields[.contentLength], length != "0" { return nil }
        if fields[.transferEncoding] != nil { return nil }
        if settings.corsEnabled, fields[.origin] != nil { return nil }

        var path = Substring(target).dropFirst()
        var token: Substring?
        if let question = path.firstIndex(of: "?") {
            let query = path[path.index(after: question)...]
            path = path[..<question]
            // Only a plain `token=` (no escapes) is understood here.
            guard query.hasPrefix("token="), !query.contains("&"), !query.contains("%"), !query.contains("+") else { return nil }
            token = query.dropFirst("token=".count)
        }
        guard let slash = path.firstIndex(of: "/") else { return nil }
        let sessionId = path[..<slash], name = path[path.index(after: slash)...]
        guard sessionId.utf8.isSafeFileName, name.utf8.isSafeFileName else { return nil }

        if let readToken = settings.readToken {
            guard let presented = Self.bearer(fields) ?? token.map(String.init),
                  AuthMiddleware<BasicRequestContext>.matches(presented, readToken)
                    || settings.apiToken.map({ AuthMiddleware<BasicRequestContext>.matches(presented, $0) }) == true
            else { return nil }
        }
        guard let file = settings.files.fresh(key: RecordingFiles.key(sessionId, name)) else { return nil }
        // A playlist with `?token=` is rewritten per token by the router.
        if token != nil, file.isPlaylist { return nil }
        let answer = FileAnswer(file, headers: fields)
        switch answer {
        case .unsatisfiable: return nil
        case .whole, .partial: if file.body == nil { return nil }
        case .notModified: break
        }
        return Prepared(file: file, answer: answer, isHead: isHead, started: .now)
    }

    private func respond(_ ready: Prepared, context: ChannelHandlerContext) {
        let file = ready.file
        var head: HTTPResponse
        var body: ByteBuffer?
        switch ready.answer {
        case .notModified:
            head = HTTPResponse(status: .notModified, headerFields: file.notModifiedHeaders)
        case .partial(let range):
            head = HTTPResponse(status: .partialContent, headerFields: file.headers)
            head.headerFields[.contentLength] = String(range.count)
            head.headerFields[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(file.bodySize)"
            if !ready.isHead, let whole = file.body { body = whole.getSlice(at: whole.readerIndex + range.lowerBound, length: range.count) }
        case .whole, .unsatisfiable:
            head = HTTPResponse(status: .ok, headerFields: file.headers)
            head.headerFields[.contentLength] = String(file.bodySize)
            if !ready.isHead, file.bodySize > 0 { body = file.body }
        }
        head.headerFields[.date] = HTTPDate.now()
        head.headerFields[.server] = settings.serverName
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        needsFlush = true
        settings.metrics.record(status: head.status.code, isHead: ready.isHead, since: ready.started)
    }

    static func bearer(_ fields: HTTPFields) -> String? {
        guard let value = fields[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
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
