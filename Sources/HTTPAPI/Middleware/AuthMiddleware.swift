import Hummingbird

/// Bearer tokens: the API token for every mutating request; the read token (when configured) for API reads
/// and playback, where `?token=` is accepted for players that cannot send headers, and metrics (Prometheus
/// sends `authorization`). The web page, its script and style, the OpenAPI document and health stay open.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let apiToken: String?
    let readToken: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch request.method {
        case .options:
            break
        case .get, .head:
            if let readToken, !Self.isPublic(request.uri.path) {
                let presented = Self.bearer(request) ?? request.uri.queryParameters.get("token")
                guard let presented, Self.matches(presented, readToken) || apiToken.map({ Self.matches(presented, $0) }) == true else {
                    throw Self.unauthorized("This server needs a read token: send Authorization: Bearer <token> or ?token=<token>.")
                }
            }
        default:
            if let apiToken {
                guard let presented = Self.bearer(request), Self.matches(presented, apiToken) else {
                    throw Self.unauthorized("This request changes state and needs Authorization: Bearer <STREAMD_API_TOKEN>.")
                }
            }
        }
        return try await next(request, context)
    }

    static func isPublic(_ path: String) -> Bool {
        ["/", "/healthz", "/openapi.yaml", "/index.html", "/app.js", "/app.css", "/favicon.ico"].contains(path)
    }

    static func bearer(_ request: Request) -> String? {
        bearer(authorization: request.headers[.authorization])
    }

    /// The token of an `Authorization: Bearer <token>` value (the fast path reads the header itself).
    static func bearer(authorization value: String?) -> String? {
        guard let value else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }

    /// Only the exact secret matches. Every byte of the longer of the two is compared whatever the first
    /// mismatch, and the lengths are compared at full width: no early exit tells how much was right.
    static func matches(_ presented: String, _ secret: String) -> Bool {
        let a = Array(presented.utf8), b = Array(secret.utf8)
        var difference = a.count ^ b.count
        for i in 0..<max(a.count, b.count) {
            difference |= Int((i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0))
        }
        return difference == 0
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", message, headers: [.wwwAuthenticate: #"Bearer realm="streamd""#])
    }
}
