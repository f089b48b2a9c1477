import Foundation

/// One request through `curl` (headers of our choosing, no connection reuse): status, response head
/// (lower-cased header names) and body.
enum Curl {
    struct Reply {
        let status: Int
        let headers: [String: String]
        let body: String

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
                throw ServiceTestFailure("not a JSON object: \(body)")
            }
            return object
        }

        var errorCode: String? { ((try? json())?["error"] as? [String: Any])?["code"] as? String }
    }

    /// `discardBody` drops the body (binary files are not text) and keeps status and headers.
    static func request(_ method: String, _ url: String, headers: [String: String] = [:], body: String? = nil,
                        discardBody: Bool = false, timeout: Int = 10) async throws -> Reply {
        var arguments = ["-s", "--max-time", String(timeout), "-X", method] + (discardBody ? ["-o", "/dev/null", "-D", "-"] : ["-i"])
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let body { arguments += ["--data-binary", body] }
        if method == "HEAD" { arguments = arguments.filter { $0 != "-X" && $0 != "HEAD" } + ["-I"] }
        let result = try await ChildProcess.run("/usr/bin/curl", arguments + [url], timeout: .seconds(timeout + 10))
        let text = result.output
        guard let split = text.range(of: "\r\n\r\n") else {
            return Reply(status: 0, headers: [:], body: "")
        }
        let head = text[..<split.lowerBound].split(separator: "\r\n")
        let status = head.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var fields: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Reply(status: status, headers: fields, body: String(text[split.upperBound...]))
    }
}
