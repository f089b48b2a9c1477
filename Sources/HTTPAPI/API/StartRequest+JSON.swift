import Foundation
import Recorder

extension StartRequest {
    /// Deeper bodies are refused before they are read further: no valid start request nests past 2.
    static let maxJSONDepth = 32

    /// Decodes a `POST /sessions` body. Malformed JSON and wrong types are 400; range checks are the
    /// session manager's (422). The seed's camelCase names and the snake_case column names are both accepted;
    /// `edgeStartTs` and `playlistUrl` from old clients are ignored.
    init(jsonBody data: Data) throws(APIError) {
        self.init()
        if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return }
        let root = try JSONValue.parseBody(data, maxDepth: Self.maxJSONDepth)
        guard case .object(let fields) = root else {
            throw .badRequest("invalid_json", "The request body must be a JSON object.")
        }
        let body = FieldReader(fields: fields)
        sessionId = try body.string("sessionId", "session_id")
        deviceId = try body.string("deviceId", "device_id")
        streamPath = try body.string("streamPath", "stream_path")
        device = try body.string("device")
        url = try body.string("url")
        if let name = try body.string("source") {
            if name.contains("://") {
                // The URL itself as the source: the short form of "source": "pull", "url": "…".
                guard url == nil || url == name else {
                    throw APIError(.unprocessableContent, code: "invalid_source", "source is a URL and url names another; give the URL once.")
                }
                source = .pull
                url = name
            } else {
                guard let choice = SourceChoice(rawValue: name) else {
                    throw APIError(.unprocessableContent, code: "invalid_source", "source must be one of auto, camera, testsrc, publish, pull, or a URL to pull (rtsp://, rtsps://, rtmp://, srt://, http://, https://).")
                }
                source = choice
            }
        } else if url != nil {
            source = .pull
        }
        durationSec = try body.number("durationSec", "duration_sec")
        postRollSec = try body.number("postRollSec", "post_roll_sec")
        width = try body.integer("width")
        height = try body.integer("height")
        fps = try body.integer("fps")
    }
}

private struct FieldReader {
    let fields: [String: JSONValue]

    func value(_ names: [String]) -> (String, JSONValue)? {
        for name in names { if let value = fields[name], value != .null { return (name, value) } }
        return nil
    }

    func string(_ names: String...) throws(APIError) -> String? {
        guard let (name, value) = value(names) else { return nil }
        guard case .string(let text) = value else { throw wrongType(name, "a string") }
        if text.unicodeScalars.contains("\u{0}") { throw .badRequest("nul_byte", "\(name) contains a NUL byte.") }
        return text
    }

    func number(_ names: String...) throws(APIError) -> Double? {
        guard let (name, value) = value(names) else { return nil }
        guard case .number(let number) = value else { throw wrongType(name, "a number") }
        return number
    }

    func integer(_ names: String...) throws(APIError) -> Int? {
        guard let (name, value) = value(names) else { return nil }
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 1e9 else {
            throw wrongType(name, "an integer")
        }
        return Int(number)
    }

    private func wrongType(_ name: String, _ expected: String) -> APIError {
        .badRequest("wrong_type", "\(name) must be \(expected).")
    }
}
