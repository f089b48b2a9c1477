import Testing
@testable import RTSPServer

@Suite struct AuthenticatorTests {
    @Test func md5KnownVectors() {
        #expect(MD5.hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(MD5.hex("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6")
        #expect(MD5.hex(String(repeating: "a", count: 1000)) == "cabe45dcc9ae5b66ba86600cca6b8ba8")
    }

    @Test func base64() {
        #expect(Base64.decode("dXNlcjpzZWNyZXQ=") == Array("user:secret".utf8))
        #expect(Base64.decode("aOvjyyLA") == [0x68, 0xEB, 0xE3, 0xCB, 0x22, 0xC0])
        #expect(Base64.decode("a b") == nil)
        #expect(Base64.decode("=abc") == nil)
    }

    @Test func basicAcceptsAnyUserWithTheTokenOnly() {
        let authenticator = Authenticator(token: "secret")
        #expect(authenticator.verify(authorization: "Basic dXNlcjpzZWNyZXQ=", method: "ANNOUNCE"))
        #expect(authenticator.verify(authorization: "Basic OnNlY3JldA==", method: "ANNOUNCE"))
        #expect(!authenticator.verify(authorization: "Basic dXNlcjpzZWNyZXQx", method: "ANNOUNCE"))
        #expect(!authenticator.verify(authorization: "Basic dXNlcjpzZWNyZQ==", method: "ANNOUNCE"))
        #expect(!authenticator.verify(authorization: nil, method: "ANNOUNCE"))
        #expect(!authenticator.verify(authorization: "Bearer secret", method: "ANNOUNCE"))
        #expect(!ConstantTime.equals(Array("secret".utf8), Array("secret\0".utf8)))
    }

    @Test func digestAsFFmpegComputesIt() {
        let authenticator = Authenticator(token: "secret")
        let uri = "rtsp://127.0.0.1:8554/sess-1"
        let ha1 = MD5.hex("anyone:streamd:secret")
        let ha2 = MD5.hex("ANNOUNCE:\(uri)")
        let plain = MD5.hex("\(ha1):\(authenticator.nonce):\(ha2)")
        let header = "Digest username=\"anyone\", realm=\"streamd\", nonce=\"\(authenticator.nonce)\", uri=\"\(uri)\", response=\"\(plain)\""
        #expect(authenticator.verify(authorization: header, method: "ANNOUNCE"))
        #expect(!authenticator.verify(authorization: header, method: "SETUP"))
        let withQop = MD5.hex("\(ha1):\(authenticator.nonce):00000001:abcd:auth:\(ha2)")
        let qopHeader = "Digest username=\"anyone\", realm=\"streamd\", nonce=\"\(authenticator.nonce)\", uri=\"\(uri)\", response=\"\(withQop)\", qop=auth, nc=00000001, cnonce=\"abcd\", algorithm=MD5"
        #expect(authenticator.verify(authorization: qopHeader, method: "ANNOUNCE"))
        let otherNonce = Authenticator(token: "secret")
        #expect(!otherNonce.verify(authorization: header, method: "ANNOUNCE"))
        let wrong = Authenticator(token: "other")
        #expect(!wrong.verify(authorization: header.replacingNonce(with: wrong.nonce), method: "ANNOUNCE"))
    }
}

extension String {
    func replacingNonce(with nonce: String) -> String {
        guard let start = range(of: "nonce=\"") else { return self }
        let rest = self[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return self }
        return String(self[..<start.upperBound]) + nonce + String(rest[end...])
    }
}
