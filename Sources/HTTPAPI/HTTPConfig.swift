import Sessions

/// How the HTTP server behaves; built by `streamd` from YAML + environment.
public struct HTTPConfig: Sendable {
    public var host: String
    public var port: Int
    /// `Access-Control-Allow-Origin` on GET and HEAD responses; `*` by default, empty to send none.
    public var corsAllowOrigin: String
    /// Origins (`https://ops.example.com`) whose pages may POST and DELETE besides streamd's own.
    public var corsAllowWriteOrigins: [String]
    /// streamd's own origins: its public URL's and its listen address's. A browser request carrying
    /// another `Origin` may read (CORS) but not write.
    public var ownOrigins: [String]
    /// When set, every mutating request needs `Authorization: Bearer <apiToken>`.
    public var apiToken: String?
    /// When set, API reads, playback and metrics need it (or the API token), as a header or `?token=`.
    public var readToken: String?
    public var maxBodyBytes: Int
    /// The body limit of `POST /sessions/{id}/detections` alone (1 MiB, contract §11).
    public var maxDetectionBodyBytes: Int = Defaults.maxDetectionBodyBytes
    /// Connections idle longer than this are closed, so slow clients cannot pin resources.
    public var idleTimeoutSeconds: Int64
    /// Open HTTP connections at most (shared with other servers through `ConnectionCap`).
    public var maxConnections: Int
    /// Where publishers send RTSP (`rtsp://host:8554`), shown by the page for publish sessions; nil
    /// when the RTSP server is off.
    public var rtspPublishBase: String?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, corsAllowOrigin: String = "*", corsAllowWriteOrigins: [String] = [],
        ownOrigins: [String] = [], apiToken: String? = nil, readToken: String? = nil, maxBodyBytes: Int = 64 * 1024,
        idleTimeoutSeconds: Int64 = 60, maxConnections: Int = 1024
    ) {
        self.host = host
        self.port = port
        self.corsAllowOrigin = corsAllowOrigin
        self.corsAllowWriteOrigins = corsAllowWriteOrigins
        self.ownOrigins = ownOrigins.isEmpty ? Self.listenOrigins(host: host, port: port) : ownOrigins
        self.apiToken = apiToken
        self.readToken = readToken
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
    }

    /// `http://host:port`, and on a loopback or wildcard address also the loopback names a local
    /// browser uses for it (`localhost`, `127.0.0.1`, `[::1]`).
    public static func listenOrigins(host: String, port: Int) -> [String] {
        var origins: [String] = []
        if !["0.0.0.0", "::", ""].contains(host) {
            origins.append(host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)")
        }
        if ["127.0.0.1", "localhost", "::1", "0.0.0.0", "::", ""].contains(host) {
            origins += ["http://127.0.0.1:\(port)", "http://localhost:\(port)", "http://[::1]:\(port)"]
        }
        var seen = Set<String>()
        return origins.filter { seen.insert($0).inserted }
    }

    /// `scheme://host[:port]` of a URL, lower-cased, without the default port (as browsers send `Origin`).
    public static func origin(ofURL url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        var authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var text = authority.lowercased()
        if (scheme == "http" && text.hasSuffix(":80")) || (scheme == "https" && text.hasSuffix(":443")),
           let colon = text.lastIndex(of: ":") {
            text = String(text[..<colon])
        }
        guard !text.isEmpty else { return nil }
        return "\(scheme)://\(text)"
    }
}
