/// One parsed RTSP request: head plus body (the SDP of an ANNOUNCE).
struct RTSPRequest: Sendable, Equatable {
    var method: String
    var uri: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(method: String, uri: String, headers: [(name: String, value: String)], body: [UInt8] = []) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
    }

    /// The first header with this name, compared case-insensitively.
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    var cseq: String? { header("CSeq") }

    static func == (lhs: RTSPRequest, rhs: RTSPRequest) -> Bool {
        lhs.method == rhs.method && lhs.uri == rhs.uri && lhs.body == rhs.body
            && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

/// A request that cannot be served: answered with this status, then the connection closes.
struct RTSPProtocolError: Error, Sendable, Equatable {
    var status: Int
    var reason: String
    /// Echoed when the head got far enough to have one.
    var cseq: String?
}
