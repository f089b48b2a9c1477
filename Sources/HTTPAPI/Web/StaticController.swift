import Foundation
import Hummingbird

/// The web page, its script and style, and the OpenAPI document, compiled into the binary so an
/// installed daemon needs no files beside it.
struct StaticController<Context: RequestContext>: Sendable {
    /// The page with this node's RTSP address filled in (it shows publishers' ffmpeg command).
    let pageBytes: [UInt8]
    /// The other nodes (§12): the page loads their recordings and sends them its mutations.
    var fleet: FleetDirectory? = nil

    init(rtspPublishBase: String?, fleet: FleetDirectory? = nil) {
        self.fleet = fleet
        let page = String(decoding: PackageResources.index_html, as: UTF8.self)
        let base = (rtspPublishBase ?? "").replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "<", with: "")
        pageBytes = Array(page.replacingOccurrences(of: "__STREAMD_RTSP_BASE__", with: base).utf8)
    }

    /// The page runs only its own script and style (no inline code, so an injected tag cannot run),
    /// talks only to this server and the other nodes sharing its database (their recordings, their
    /// mutations; a redirect to them is checked against this too), and cannot be framed (clickjacking).
    static func contentSecurityPolicy(nodeOrigins: [String] = []) -> String {
        let nodes = nodeOrigins.map { " " + $0 }.joined()
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
                .contentSecurityPolicy: Self.contentSecurityPolicy(nodeOrigins: fleet?.nodeOrigins ?? []),
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
