import Hummingbird

/// The web page and the OpenAPI document, compiled into the binary so an installed daemon needs no
/// files beside it.
struct StaticController<Context: RequestContext>: Sendable {
    func addRoutes(to router: Router<Context>) {
        router.get("/", use: page)
        router.get("/index.html", use: page)
        router.get("/openapi.yaml", use: openAPI)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.index_html)))
    }

    @Sendable func openAPI(_ request: Request, context: Context) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
    }
}
