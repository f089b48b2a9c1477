import Foundation
import Hummingbird

/// Cross-site writes: a browser attaches `Origin` to every POST and DELETE, so a page of another
/// origin cannot change a token-less streamd through a visitor's browser. Only streamd's own origins
/// and `cors_allow_write_origins` may write, and only they get a preflight for a write answered; other
/// origins keep read access through CORS. Requests without `Origin` (curl, scripts, the CLI) pass.
///
/// With several nodes (§12), the page of any node calls the owner's `public_url` for files and
/// mutations: every node's origin, from the `nodes` table, may read and write here, whatever
/// `cors_allow_origin` says.
struct OriginMiddleware<Context: RequestContext>: RouterMiddleware {
    let ownOrigins: Set<String>
    let listedOrigins: Set<String>
    let fleet: FleetDirectory?
    /// `cors_allow_origin` is `*`: reads need nothing more for another node's page.
    let readsOpenToAll: Bool

    init(ownOrigins: [String], listedOrigins: [String], fleet: FleetDirectory? = nil, readsOpenToAll: Bool = true) {
        self.ownOrigins = Set(ownOrigins.map(Self.normalized))
        self.listedOrigins = Set(listedOrigins.map(Self.normalized))
        self.fleet = fleet
        self.readsOpenToAll = readsOpenToAll
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin].map(Self.normalized) else { return try await next(request, context) }
        let isNode = !ownOrigins.contains(origin) && (fleet?.isNodeOrigin(origin) ?? false)
        switch request.method {
        case .get, .head:
            var response = try await next(request, context)
            if isNode, !readsOpenToAll { Self.allow(origin, on: &response) }
            return response
        case .options:
            guard let wanted = request.headers[.accessControlRequestMethod],
                  isNode || !["GET", "HEAD"].contains(wanted.uppercased()) else {
                return try await next(request, context)
            }
            guard mayWrite(origin) else { return Self.refusal(origin).response() }
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: origin, .vary: "Origin",
                .accessControlAllowMethods: "GET, HEAD, POST, DELETE, OPTIONS",
                .accessControlAllowHeaders: "accept, authorization, content-type, origin, range",
                .accessControlMaxAge: "600",
            ])
        default:
            guard mayWrite(origin) else { return Self.refusal(origin).response() }
            var response = try await next(request, context)
            if listedOrigins.contains(origin) || isNode { Self.allow(origin, on: &response) }
            return response
        }
    }

    func mayWrite(_ origin: String) -> Bool {
        ownOrigins.contains(origin) || listedOrigins.contains(origin) || (fleet?.isNodeOrigin(origin) ?? false)
    }

    static func allow(_ origin: String, on response: inout Response) {
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = "Content-Length, Content-Range, Accept-Ranges, Location"
        response.headers[.vary] = "Origin"
    }

    /// Browsers send `scheme://host[:port]`; a configured value may carry a trailing slash or capitals.
    static func normalized(_ origin: String) -> String {
        var text = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    static func refusal(_ origin: String) -> APIError {
        APIError(.forbidden, code: "cross_origin_write",
                 "A page from \(origin) cannot change this server; add that origin to cors_allow_write_origins if it should.")
    }
}
