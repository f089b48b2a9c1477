import Foundation

/// Why a request to the daemon failed, worded for the person at the terminal.
enum ClientError: Error, CustomStringConvertible {
    /// The server answered with the contract's error JSON (or at least a status).
    case server(status: Int, code: String, message: String)
    /// No answer: connection refused, timeout, DNS.
    case unreachable(url: String, reason: String)
    /// An answer that is not what the API promises.
    case unexpectedResponse(url: String, status: Int, detail: String)
    case invalidServerURL(String)

    var description: String {
        switch self {
        case .server(let status, let code, let message):
            "\(message) (HTTP \(status), \(code))"
        case .unreachable(let url, let reason):
            "cannot reach streamd at \(url): \(reason). Is the daemon running (streamd serve), and is --server right?"
        case .unexpectedResponse(let url, let status, let detail):
            "unexpected answer from \(url) (HTTP \(status)): \(detail)"
        case .invalidServerURL(let text):
            "--server \(text) is not an http:// or https:// URL"
        }
    }
}

/// The contract's error body, `{"error": {"code": "...", "message": "..."}}`.
struct ErrorBody: Decodable {
    struct Detail: Decodable {
        let code: String
        let message: String
    }

    let error: Detail
}
