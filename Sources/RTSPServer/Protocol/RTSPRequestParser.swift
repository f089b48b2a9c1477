/// Parses the head of one RTSP/1.0 request (request line and headers, no body).
enum RTSPRequestParser {
    static func parseHead(_ bytes: [UInt8], maxHeaderCount: Int) throws(RTSPProtocolError) -> RTSPRequest {
        var lines = splitLines(bytes)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else {
            throw RTSPProtocolError(status: 400, reason: "Bad Request")
        }
        let headerLines = lines.dropFirst()
        guard headerLines.count <= maxHeaderCount else {
            throw RTSPProtocolError(status: 400, reason: "Too Many Headers")
        }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(headerLines.count)
        for line in headerLines {
            guard let header = parseHeader(line) else {
                throw RTSPProtocolError(status: 400, reason: "Bad Header", cseq: findCSeq(headers))
            }
            headers.append(header)
        }
        let cseq = findCSeq(headers)
        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, let method = token(parts[0]), !parts[1].isEmpty,
              parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw RTSPProtocolError(status: 400, reason: "Bad Request Line", cseq: cseq) }
        guard parts[2].elementsEqual("RTSP/1.0".utf8) else {
            throw RTSPProtocolError(status: 505, reason: "RTSP Version Not Supported", cseq: cseq)
        }
        return RTSPRequest(method: method, uri: String(decoding: parts[1], as: UTF8.self), headers: headers)
    }

    private static func findCSeq(_ headers: [(name: String, value: String)]) -> String? {
        guard let value = headers.first(where: { $0.name.lowercased() == "cseq" })?.value else { return nil }
        // Echoed into our response: digits only, so nothing can be smuggled into it.
        guard !value.isEmpty, value.count <= 10, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return value
    }

    private static func splitLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
    }

    private static func token(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty, bytes.count <= 32,
              bytes.allSatisfy({ ($0 >= 65 && $0 <= 90) || $0 == 95 || $0 == 45 })
        else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func parseHeader(_ line: ArraySlice<UInt8>) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.count <= 64,
              name.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") })
        else { return nil }
        let value = line[line.index(after: colon)...]
        // Control characters other than tab have no place in a header value.
        guard value.allSatisfy({ $0 >= 0x20 || $0 == 0x09 }), !value.contains(0x7F) else { return nil }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self).trimmingSpaces)
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
