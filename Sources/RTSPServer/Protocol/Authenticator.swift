/// Checks RTSP `Authorization` against the configured token: Basic or Digest (MD5), any user
/// name, password == token. One per connection, so the Digest nonce is the connection's own.
struct Authenticator: Sendable {
    static let realm = "streamd"

    let token: String
    let nonce: String

    init(token: String) {
        self.token = token
        var generator = SystemRandomNumberGenerator()
        nonce = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
    }

    /// Headers of a 401: a Digest and a Basic challenge (ffmpeg and GStreamer pick Digest).
    var challenges: [(name: String, value: String)] {
        [
            ("WWW-Authenticate", "Digest realm=\"\(Self.realm)\", nonce=\"\(nonce)\", algorithm=MD5"),
            ("WWW-Authenticate", "Basic realm=\"\(Self.realm)\""),
        ]
    }

    func verify(authorization: String?, method: String) -> Bool {
        guard let authorization else { return false }
        let trimmed = authorization.trimmingSpaces
        guard let space = trimmed.firstIndex(of: " ") else { return false }
        let scheme = trimmed[trimmed.startIndex..<space].lowercased()
        let credentials = trimmed[trimmed.index(after: space)...]
        switch scheme {
        case "basic": return verifyBasic(String(credentials).trimmingSpaces)
        case "digest": return verifyDigest(Self.digestParameters(credentials), method: method)
        default: return false
        }
    }

    private func verifyBasic(_ encoded: String) -> Bool {
        guard let decoded = Base64.decode(encoded), let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else {
            return false
        }
        return ConstantTime.equals(decoded[decoded.index(after: colon)...], Array(token.utf8))
    }

    private func verifyDigest(_ parameters: [String: String], method: String) -> Bool {
        guard let username = parameters["username"], let realm = parameters["realm"],
              let nonce = parameters["nonce"], let uri = parameters["uri"], let response = parameters["response"],
              realm == Self.realm, nonce == self.nonce
        else { return false }
        if let algorithm = parameters["algorithm"], algorithm.uppercased() != "MD5" { return false }
        let ha1 = MD5.hex("\(username):\(realm):\(token)")
        let ha2 = MD5.hex("\(method):\(uri)")
        let expected: String
        if let qop = parameters["qop"] {
            guard qop == "auth", let count = parameters["nc"], let cnonce = parameters["cnonce"] else { return false }
            expected = MD5.hex("\(ha1):\(nonce):\(count):\(cnonce):\(qop):\(ha2)")
        } else {
            expected = MD5.hex("\(ha1):\(nonce):\(ha2)")
        }
        return ConstantTime.equals(Array(response.lowercased().utf8), Array(expected.utf8))
    }

    /// `key="value", key=value, …`, commas inside quotes kept.
    static func digestParameters(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var index = text.startIndex
        while index < text.endIndex {
            while index < text.endIndex, text[index] == " " || text[index] == "," { index = text.index(after: index) }
            guard let equals = text[index...].firstIndex(of: "=") else { break }
            let key = text[index..<equals].trimmingCharacters(in: " ").lowercased()
            var cursor = text.index(after: equals)
            var value = ""
            if cursor < text.endIndex, text[cursor] == "\"" {
                cursor = text.index(after: cursor)
                let close = text[cursor...].firstIndex(of: "\"") ?? text.endIndex
                value = String(text[cursor..<close])
                cursor = close < text.endIndex ? text.index(after: close) : close
            } else {
                let end = text[cursor...].firstIndex(of: ",") ?? text.endIndex
                value = String(text[cursor..<end]).trimmingSpaces
                cursor = end
            }
            if result[key] == nil { result[key] = value }
            index = cursor
        }
        return result
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String { String(self).trimmingCharacters(in: set) }
}
