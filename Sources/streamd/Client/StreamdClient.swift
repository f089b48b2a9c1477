import Foundation
import Sessions
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client of a running daemon's `/sessions` API, for the `record` and `sessions` commands.
struct StreamdClient: Sendable {
    let baseURL: URL
    let token: String?
    private let session: URLSession

    init(server: String, token: String?) throws(ClientError) {
        var text = server
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw .invalidServerURL(server)
        }
        baseURL = url
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        // Redirects are followed by `send` itself: URLSession would drop Authorization on the way to
        // another node (§12), and the owner needs it as much as the node first asked.
        session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
    }

    /// `POST /sessions`; the session is recording (or starting) when this returns.
    func start(_ request: StartBody) async throws(ClientError) -> SessionInfo {
        let body: Data
        do {
            body = try JSONEncoder().encode(request)
        } catch {
            throw .unexpectedResponse(url: baseURL.absoluteString, status: 0, detail: "cannot encode the request: \(error)")
        }
        return try await send("POST", path: "/sessions", body: body, expecting: [201])
    }

    func session(_ id: String) async throws(ClientError) -> SessionInfo {
        try await send("GET", path: "/sessions/\(id)")
    }

    /// Returns once the server has finalized the playlist, with the final row.
    func close(_ id: String) async throws(ClientError) -> SessionInfo {
        // Closing waits for the last segment and the trailer: give it the daemon's shutdown bound and more.
        try await send("POST", path: "/sessions/\(id)/close", timeout: 60)
    }

    /// Removes an ended session's files and row (on the node that owns it, through its redirect).
    func delete(_ id: String) async throws(ClientError) {
        let _: Empty = try await send("DELETE", path: "/sessions/\(id)", expecting: [204])
    }

    func nodes() async throws(ClientError) -> NodePage {
        try await send("GET", path: "/nodes")
    }

    func list(limit: Int?, status: String?, deviceId: String?) async throws(ClientError) -> SessionPage {
        var query: [URLQueryItem] = []
        if let limit { query.append(URLQueryItem(name: "limit", value: String(limit))) }
        if let status { query.append(URLQueryItem(name: "status", value: status)) }
        if let deviceId { query.append(URLQueryItem(name: "deviceId", value: deviceId)) }
        return try await send("GET", path: "/sessions", query: query)
    }

    /// `GET /sessions/{id}/detections` when `session` is given, else `GET /detections`.
    func detections(
        session: String?, label: String?, deviceId: String?, from: String?, to: String?, minConfidence: Double?,
        limit: Int?, cursor: String?
    ) async throws(ClientError) -> DetectionPage {
        var query: [URLQueryItem] = []
        if let label { query.append(URLQueryItem(name: "label", value: label)) }
        if let deviceId { query.append(URLQueryItem(name: "deviceId", value: deviceId)) }
        if let from { query.append(URLQueryItem(name: "from", value: from)) }
        if let to { query.append(URLQueryItem(name: "to", value: to)) }
        if let minConfidence { query.append(URLQueryItem(name: "minConfidence", value: String(minConfidence))) }
        if let limit { query.append(URLQueryItem(name: "limit", value: String(limit))) }
        if let session {
            if let cursor { query.append(URLQueryItem(name: "after", value: cursor)) }
            return try await send("GET", path: "/sessions/\(session)/detections", query: query)
        }
        if let cursor { query.append(URLQueryItem(name: "before", value: cursor)) }
        return try await send("GET", path: "/detections", query: query)
    }

    private func send<Answer: Decodable>(
        _ method: String, path: String, query: [URLQueryItem] = [], body: Data? = nil,
        expecting accepted: Set<Int> = [200], timeout: TimeInterval = 30
    ) async throws(ClientError) -> Answer {
        var url = endpoint(path, query: query)
        var redirects = 0
        var (data, http) = try await exchange(method, url: url, body: body, timeout: timeout)
        // 307/308 from a node that does not own the session: the same request, token included, to the owner.
        while [307, 308].contains(http.statusCode), let location = http.value(forHTTPHeaderField: "Location"),
              let next = URL(string: location, relativeTo: url)?.absoluteURL {
            redirects += 1
            guard redirects <= 5 else {
                throw .unexpectedResponse(url: url.absoluteString, status: http.statusCode, detail: "more than 5 redirects")
            }
            url = next
            (data, http) = try await exchange(method, url: url, body: body, timeout: timeout)
        }
        guard accepted.contains(http.statusCode) else {
            let failure: ErrorBody
            do {
                failure = try JSONDecoder().decode(ErrorBody.self, from: data)
            } catch {
                // Not the contract's error JSON (a proxy's error page, say): show what came back.
                throw .unexpectedResponse(url: url.absoluteString, status: http.statusCode, detail: Self.excerpt(data))
            }
            throw .server(status: http.statusCode, code: failure.error.code, message: failure.error.message)
        }
        if Answer.self == Empty.self, let empty = Empty() as? Answer { return empty }
        do {
            return try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw .unexpectedResponse(url: url.absoluteString, status: http.statusCode, detail: "cannot read the JSON (\(error)): \(Self.excerpt(data))")
        }
    }

    private func exchange(
        _ method: String, url: URL, body: Data?, timeout: TimeInterval
    ) async throws(ClientError) -> (Data, HTTPURLResponse) {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw .unreachable(url: url.absoluteString, reason: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw .unexpectedResponse(url: url.absoluteString, status: 0, detail: "not an HTTP response")
        }
        return (data, http)
    }

    private func endpoint(_ path: String, query: [URLQueryItem]) -> URL {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) ?? URLComponents()
        components.path = components.path + path
        components.queryItems = query.isEmpty ? nil : query
        return components.url ?? baseURL.appendingPathComponent(path)
    }

    private static func excerpt(_ data: Data) -> String {
        let text = String(decoding: data.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }
}

/// The answer of a request whose success has no body (204).
struct Empty: Decodable, Sendable {}

/// Hands every redirect back to `StreamdClient.send` instead of following it.
private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
