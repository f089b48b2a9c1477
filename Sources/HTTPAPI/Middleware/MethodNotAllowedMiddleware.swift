import Hummingbird

/// Added after every route, so it wraps only the router's not-found answer: a path that some route
/// matches under other methods gets 405 with `Allow` instead of 404.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// (method, path pattern segments) of every route; `{name}` segments match anything.
    let routes: [(method: String, segments: [Substring])]

    init(router: Router<Context>) {
        self.routes = router.routes.map { ($0.method.rawValue, $0.path.description.split(separator: "/")) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let segments = request.uri.path.split(separator: "/")
        let allowed = Set(routes.filter { Self.matches($0.segments, segments) }.map(\.method))
        guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else {
            return try await next(request, context)
        }
        let allow = (allowed.union(["OPTIONS"])).sorted().joined(separator: ", ")
        throw APIError(.methodNotAllowed, code: "method_not_allowed",
                       "\(request.method.rawValue) is not supported here; this path accepts \(allow).", headers: [.allow: allow])
    }

    static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        pattern.count == path.count && zip(pattern, path).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}
