/// How the HTTP server behaves; built by `streamd` from YAML + environment.
public struct HTTPConfig: Sendable {
    public var host: String
    public var port: Int
    /// `Access-Control-Allow-Origin` on every response; `*` by default, empty to send none.
    public var corsAllowOrigin: String
    /// When set, every mutating request needs `Authorization: Bearer <apiToken>`.
    public var apiToken: String?
    /// When set, API reads and playback need it (or the API token), as a header or `?token=`.
    public var readToken: String?
    public var maxBodyBytes: Int
    /// Connections idle longer than this are closed, so slow clients cannot pin resources.
    public var idleTimeoutSeconds: Int64

    public init(
        host: String = "127.0.0.1", port: Int = 8080, corsAllowOrigin: String = "*", apiToken: String? = nil,
        readToken: String? = nil, maxBodyBytes: Int = 64 * 1024, idleTimeoutSeconds: Int64 = 60
    ) {
        self.host = host
        self.port = port
        self.corsAllowOrigin = corsAllowOrigin
        self.apiToken = apiToken
        self.readToken = readToken
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }
}
