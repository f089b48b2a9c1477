import NIOCore

/// Cuts RTSP requests and `$` frames out of a TCP byte stream, within the configured limits.
struct RTSPFrameDecoder: Sendable {
    var maxRequestBytes: Int
    var maxHeaderCount: Int
    var maxBodyBytes: Int
    var maxInterleavedFrameBytes: Int

    init(maxRequestBytes: Int, maxHeaderCount: Int, maxBodyBytes: Int, maxInterleavedFrameBytes: Int) {
        self.maxRequestBytes = maxRequestBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxInterleavedFrameBytes = maxInterleavedFrameBytes
    }

    /// The next complete frame, consumed from `buffer`; nil when more bytes are needed.
    /// A thrown `RTSPProtocolError` means the stream is unusable from here on.
    func next(_ buffer: inout ByteBuffer) throws(RTSPProtocolError) -> RTSPFrame? {
        skipBlankLines(&buffer)
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        if first == UInt8(ascii: "$") {
            return try nextInterleaved(&buffer)
        }
        return try nextRequest(&buffer)
    }

    /// Clients may send a bare CRLF between messages (RFC 2326 allows it as keep-alive).
    private func skipBlankLines(_ buffer: inout ByteBuffer) {
        while let byte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
            buffer.moveReaderIndex(forwardBy: 1)
        }
    }

    private func nextInterleaved(_ buffer: inout ByteBuffer) throws(RTSPProtocolError) -> RTSPFrame? {
        guard buffer.readableBytes >= 4,
              let channel = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self),
              let length = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt16.self)
        else { return nil }
        guard Int(length) <= maxInterleavedFrameBytes else {
            throw RTSPProtocolError(status: 400, reason: "Interleaved Frame Too Large")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let payload = buffer.readBytes(length: Int(length)) ?? []
        return .interleaved(channel: channel, payload: payload)
    }

    private func nextRequest(_ buffer: inout ByteBuffer) throws(RTSPProtocolError) -> RTSPFrame? {
        let window = min(buffer.readableBytes, maxRequestBytes)
        guard let view = buffer.viewBytes(at: buffer.readerIndex, length: window) else { return nil }
        guard let headEnd = Self.endOfHead(in: view) else {
            if buffer.readableBytes >= maxRequestBytes {
                throw RTSPProtocolError(status: 400, reason: "Request Header Too Large")
            }
            try Self.rejectEarly(view)
            return nil
        }
        let headBytes = Array(view.prefix(headEnd.headLength))
        var request = try RTSPRequestParser.parseHead(headBytes, maxHeaderCount: maxHeaderCount)
        let bodyLength = try contentLength(of: request)
        guard buffer.readableBytes >= headEnd.totalLength + bodyLength else { return nil }
        buffer.moveReaderIndex(forwardBy: headEnd.totalLength)
        request.body = buffer.readBytes(length: bodyLength) ?? []
        return .request(request)
    }

    private func contentLength(of request: RTSPRequest) throws(RTSPProtocolError) -> Int {
        guard let raw = request.header("Content-Length") else { return 0 }
        let text = raw.trimmingSpaces
        guard !text.isEmpty, text.count <= 9, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let length = Int(text)
        else { throw RTSPProtocolError(status: 400, reason: "Bad Content-Length", cseq: request.cseq) }
        guard length <= maxBodyBytes else {
            throw RTSPProtocolError(status: 413, reason: "Request Entity Too Large", cseq: request.cseq)
        }
        return length
    }

    /// Where the head ends: the blank line (CRLF CRLF, or LF LF from sloppy clients).
    static func endOfHead(in bytes: ByteBufferView) -> (headLength: Int, totalLength: Int)? {
        var index = bytes.startIndex
        var offset = 0
        var previousWasNewline = false
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                if previousWasNewline { return (offset, offset + 1) }
                previousWasNewline = true
            } else if byte != UInt8(ascii: "\r") {
                previousWasNewline = false
            }
            index = bytes.index(after: index)
            offset += 1
        }
        return nil
    }

    /// Garbage that can never become a request line is refused without waiting for a blank line.
    private static func rejectEarly(_ bytes: ByteBufferView) throws(RTSPProtocolError) {
        for byte in bytes.prefix(32) {
            if byte == UInt8(ascii: " ") { return }
            let isMethodByte = (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95 || byte == 45
            guard isMethodByte else { throw RTSPProtocolError(status: 400, reason: "Bad Request") }
        }
        if bytes.count >= 32 { throw RTSPProtocolError(status: 400, reason: "Bad Request") }
    }
}
