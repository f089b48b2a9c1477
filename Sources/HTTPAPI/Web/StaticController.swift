import Foundation
import Hummingbird

/// The web page, its script and style, and the OpenAPI document, compiled into the binary so an
/// installed daemon needs no files beside it.
struct StaticController<Context: RequestContext>: Sendable {
    /// The page with this node's RTSP address filled in (it shows publishers' ffmpeg command) and its
    /// node id (the page calls another node's `public_url` directly for that node's files and mutations).
    let pageBytes: [UInt8]
    /// The other nodes (§12): the page loads their recordings and sends them its mutations.
    let fleet: FleetDirectory?
    /// Origins listed in `cors_allow_write_origins`: pages there may write here, and this page may
    /// load from and send to them (a node set up by hand, without the fleet directory).
    let peerOrigins: [String]

    init(rtspPublishBase: String?, nodeId: String = "", fleet: FleetDirectory? = nil, peerOrigins: [String] = []) {
        self.fleet = fleet
        self.peerOrigins = peerOrigins
        let page = String(decoding: PackageResources.index_html, as: UTF8.self)
        pageBytes = Array(page
            .replacingOccurrences(of: "__STREAMD_RTSP_BASE__", with: Self.attribute(rtspPublishBase ?? ""))
            .replacingOccurrences(of: "__STREAMD_NODE__", with: Self.attribute(nodeId)).utf8)
    }

    /// A value safe inside a double-quoted attribute.
    static func attribute(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;")
    }

    /// The page runs only its own script and style (no inline code, so an injected tag cannot run),
    /// talks only to this server and the other nodes sharing its database (their recordings, their
    /// mutations; a redirect to them is checked against this too), and cannot be framed (clickjacking).
    /// Scripts and styles stay this origin's only.
    static func contentSecurityPolicy(nodeOrigins: [String] = []) -> String {
        // Only well-formed origins reach the header: a stray `;` or space would add a directive.
        var seen = Set<String>()
        let nodes = nodeOrigins.compactMap { HTTPConfig.origin(ofURL: $0) }
            .filter { $0.allSatisfy { $0.isLetter || $0.isNumber || ".-:/[]".contains($0) } && seen.insert($0).inserted }
            .map { " " + $0 }.joined()
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'\(nodes) data:; media-src 'self'\(nodes) blob:; "
            + "connect-src 'self'\(nodes); form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }

    func addRoutes(to router: Router<Context>) {
        router.get("/", use: page)
        router.get("/index.html", use: page)
        router.get("/app.js", use: script)
        router.get("/app.css", use: style)
        router.get("/openapi.yaml", use: openAPI)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-cache",
                .contentSecurityPolicy: Self.contentSecurityPolicy(nodeOrigins: peerOrigins + (fleet?.nodeOrigins ?? [])),
                .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: pageBytes)))
    }

    @Sendable func script(_ request: Request, context: Context) async throws -> Response {
        Self.asset(PackageResources.app_js, type: "text/javascript; charset=utf-8")
    }

    @Sendable func style(_ request: Request, context: Context) async throws -> Response {
        Self.asset(PackageResources.app_css, type: "text/css; charset=utf-8")
    }

    @Sendable func openAPI(_ request: Request, context: Context) async throws -> Response {
        Self.asset(PackageResources.openapi_yaml, type: "application/yaml; charset=utf-8")
    }

    static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
