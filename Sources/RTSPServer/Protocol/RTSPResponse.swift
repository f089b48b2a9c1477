import NIOCore

/// One RTSP/1.0 response.
struct RTSPResponse: Sendable {
    var status: Int
    var reason: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(status: Int, reason: String? = nil, cseq: String?, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.reason = Self.sanitized(reason ?? Self.standardReason(status))
        var all: [(name: String, value: String)] = []
        if let cseq { all.append(("CSeq", cseq)) }
        all.append(("Server", "streamd"))
        all.append(contentsOf: headers.map { ($0.name, Self.sanitized($0.value)) })
        self.headers = all
        self.body = body
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeString("RTSP/1.0 \(status) \(reason)\r\n")
        for header in headers {
            buffer.writeString("\(header.name): \(header.value)\r\n")
        }
        if !body.isEmpty {
            buffer.writeString("Content-Length: \(body.count)\r\n")
        }
        buffer.writeString("\r\n")
        buffer.writeBytes(body)
    }

    /// A reason from the daemon ends up on the status line: no line breaks, printable, bounded.
    static func sanitized(_ text: String) -> String {
        let printable = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) }
        return String(String(printable).prefix(200))
    }

    static func standardReason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Request Entity Too Large"
        case 415: return "Unsupported Media Type"
        case 453: return "Not Enough Bandwidth"
        case 454: return "Session Not Found"
        case 455: return "Method Not Valid in This State"
        case 459: return "Aggregate Operation Not Allowed"
        case 461: return "Unsupported Transport"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "RTSP Version Not Supported"
        default: return "Error"
        }
    }
}
