import Hummingbird
import Metrics
import Synchronization

/// Requests by route and status, and latency histograms by route. The route is the matched pattern
/// (`/sessions/{id}`), never the raw path, so series stay bounded.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let handles = RequestMetricHandles()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        let (counter, timer) = handles.handles(route: route, method: request.method.rawValue, status: response.status.code)
        counter.increment()
        let elapsed = ContinuousClock.now - started
        timer.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        return response
    }
}

/// The counter and timer of each (route, method, status), made once: creating a metric handle goes
/// through the metrics factory's lock and allocates, which is not work to redo on every request.
final class RequestMetricHandles: Sendable {
    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private let cache = Mutex<[Key: (Counter, Timer)]>([:])

    func handles(route: String, method: String, status: Int) -> (Counter, Timer) {
        let key = Key(route: route, method: method, status: status)
        return cache.withLock { cache in
            if let found = cache[key] { return found }
            let made = (
                Counter(label: "streamd_http_requests_total", dimensions: [("route", route), ("method", method), ("status", String(status))]),
                Timer(label: "streamd_http_request_duration_seconds", dimensions: [("route", route), ("method", method)])
            )
            cache[key] = made
            return made
        }
    }
}
