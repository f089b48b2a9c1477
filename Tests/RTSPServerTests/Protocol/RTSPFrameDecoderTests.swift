import NIOCore
import PropertyBased
import Testing
@testable import RTSPServer

@Suite struct RTSPFrameDecoderTests {
    static let decoder = RTSPFrameDecoder(maxRequestBytes: 8192, maxHeaderCount: 64, maxBodyBytes: 16384, maxInterleavedFrameBytes: 65535)

    static let announce = """
        ANNOUNCE rtsp://127.0.0.1:8554/sess-1?deviceId=cam%201 RTSP/1.0\r
        Content-Type: application/sdp\r
        CSeq: 2\r
        User-Agent: Lavf59.27.100\r
        Content-Length: 10\r
        \r
        v=0\r
        s=x\r

        """

    /// Everything the decoder makes of `bytes`, fed in `chunk`-sized pieces, until it needs more or fails.
    static func decodeAll(_ bytes: [UInt8], chunk: Int = .max) -> (frames: [RTSPFrame], error: RTSPProtocolError?) {
        var buffer = ByteBuffer()
        var frames: [RTSPFrame] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + max(1, chunk))
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            do throws(RTSPProtocolError) {
                while let frame = try decoder.next(&buffer) { frames.append(frame) }
            } catch {
                return (frames, error)
            }
        }
        return (frames, nil)
    }

    @Test func parsesAnnounceWithBodyAndQuery() throws {
        let (frames, error) = Self.decodeAll(Array(Self.announce.utf8))
        #expect(error == nil)
        guard case .request(let request)? = frames.first else { Issue.record("no request"); return }
        #expect(request.method == "ANNOUNCE")
        #expect(request.cseq == "2")
        #expect(request.body == Array("v=0\r\ns=x\r\n".utf8))
        let url = try #require(RTSPURL(request.uri))
        #expect(url.firstComponent == "sess-1")
        #expect(url.query["deviceId"] == "cam 1")
    }

    @Test func interleavedFramesBetweenRequests() {
        let bytes: [UInt8] = [0x24, 0, 0, 3, 1, 2, 3] + Array("OPTIONS * RTSP/1.0\r\nCSeq: 9\r\n\r\n".utf8) + [0x24, 1, 0, 1, 7]
        let (frames, error) = Self.decodeAll(bytes, chunk: 3)
        #expect(error == nil)
        #expect(frames.count == 3)
        #expect(frames.first == .interleaved(channel: 0, payload: [1, 2, 3]))
        #expect(frames.last == .interleaved(channel: 1, payload: [7]))
    }

    @Test func limitsAreEnforced() {
        let tooManyHeaders = "OPTIONS * RTSP/1.0\r\n" + (0..<65).map { "X-\($0): y\r\n" }.joined() + "\r\n"
        #expect(Self.decodeAll(Array(tooManyHeaders.utf8)).error?.status == 400)
        let hugeHeader = "OPTIONS * RTSP/1.0\r\nX: " + String(repeating: "a", count: 9000) + "\r\n\r\n"
        #expect(Self.decodeAll(Array(hugeHeader.utf8)).error?.status == 400)
        let hugeBody = "ANNOUNCE rtsp://h/p RTSP/1.0\r\nCSeq: 3\r\nContent-Length: 20000\r\n\r\n"
        let bodyError = Self.decodeAll(Array(hugeBody.utf8)).error
        #expect(bodyError?.status == 413)
        #expect(bodyError?.cseq == "3")
        #expect(Self.decodeAll(Array("OPTIONS * HTTP/1.1\r\nCSeq: 4\r\n\r\n".utf8)).error?.status == 505)
        #expect(Self.decodeAll(Array("GET / HTTP/1.1\r\n\r\n".utf8)).error?.status == 505)
        #expect(Self.decodeAll([0x16, 0x03, 0x01, 0x02, 0x00]).error?.status == 400)
    }

    @Test func randomBytesNeverCrashAndEndInAFrameOrAStatus() async {
        await propertyCheck(count: 500, input: Gen.uint8().array(of: 0...600), Gen.int(in: 1...64)) { bytes, chunk in
            let (frames, error) = Self.decodeAll(bytes, chunk: chunk)
            if let error { #expect([400, 413, 505].contains(error.status)) }
            #expect(frames.count <= bytes.count)
        }
    }

    @Test func mutatedRequestsNeverCrash() async {
        let valid = Array(Self.announce.utf8)
        await propertyCheck(count: 500, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            var bytes = valid
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(contentsOf: random.bytes(in: 1...20), at: position)
                default: bytes.insert(contentsOf: Array([":", "\r\n", " ", "$", "Content-Length: 99999"].randomElement(using: &random)!.utf8), at: position)
                }
            }
            let (frames, error) = Self.decodeAll(bytes, chunk: Int.random(in: 1...200, using: &random))
            if let error { #expect([400, 413, 505].contains(error.status)) }
            for case .request(let request) in frames {
                #expect(!request.method.isEmpty)
                #expect(request.body.count <= 16384)
            }
        }
    }
}
