import Hummingbird
import Metrics

/// Requests by route and status, and latency histograms by route. The route is the matched pattern
/// (`/sessions/{id}`), never the raw path, so series stay bounded.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        Counter(label: "streamd_http_requests_total", dimensions: [
            ("route", route), ("method", method), ("status", String(response.status.code)),
        ]).increment()
        let elapsed = ContinuousClock.now - started
        Timer(label: "streamd_http_request_duration_seconds", dimensions: [("route", route), ("method", method)])
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        return response
    }
}
