import Foundation
import Hummingbird

/// The web page, its script and style, and the OpenAPI document, compiled into the binary so an
/// installed daemon needs no files beside it.
struct StaticController<Context: RequestContext>: Sendable {
    /// The page with this node's RTSP address filled in (it shows publishers' ffmpeg command) and its
    /// node id (the page calls another node's `public_url` directly for that node's files and mutations).
    let pageBytes: [UInt8]

    init(rtspPublishBase: String?, nodeId: String = "") {
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
    /// talks only to this server, and cannot be framed (clickjacking).
    static var contentSecurityPolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
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
                .contentSecurityPolicy: Self.contentSecurityPolicy, .xContentTypeOptions: "nosniff",
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
