/// The parts of an SDP (RFC 4566) that a publish needs: per media section its payload type,
/// rtpmap, fmtp and control.
struct SessionDescription: Sendable, Equatable {
    struct Media: Sendable, Equatable {
        /// `video`, `audio`, `application`, …
        var kind: String
        /// The first payload type of the `m=` line: the one the publisher sends.
        var payloadType: Int
        /// From `a=rtpmap:<pt> <encoding>/<clock>[/<channels>]`; nil when absent (static types).
        var encodingName: String?
        var clockRate: Int?
        var channels: Int?
        /// `a=fmtp:<pt> key=value; …`, keys lowercased.
        var formatParameters: [String: String] = [:]
        var control: String?
    }

    var media: [Media] = []
    var sessionControl: String?

    /// Tolerant of unknown lines and LF-only line ends; throws only when the text is no SDP.
    static func parse(_ bytes: [UInt8]) throws(RTSPProtocolError) -> SessionDescription {
        let text = String(decoding: bytes, as: UTF8.self)
        var description = SessionDescription()
        var sawVersion = false
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            guard line.count >= 2, line[line.index(after: line.startIndex)] == "=" else { continue }
            let kind = line[line.startIndex]
            let value = line[line.index(line.startIndex, offsetBy: 2)...]
            switch kind {
            case "v": sawVersion = true
            case "m":
                let fields = value.split(separator: " ")
                guard fields.count >= 4, let payloadType = Int(fields[3]), (0...127).contains(payloadType) else {
                    throw RTSPProtocolError(status: 400, reason: "Bad SDP Media Line")
                }
                description.media.append(Media(kind: String(fields[0]).lowercased(), payloadType: payloadType))
            case "a":
                description.applyAttribute(value)
            default:
                continue
            }
        }
        guard sawVersion else { throw RTSPProtocolError(status: 400, reason: "Not An SDP") }
        return description
    }

    private mutating func applyAttribute(_ value: Substring) {
        let parts = value.split(separator: ":", maxSplits: 1)
        guard let name = parts.first?.lowercased() else { return }
        let argument = parts.count > 1 ? parts[1] : ""
        if name == "control" {
            let control = String(argument).trimmingSpaces
            if media.isEmpty { sessionControl = control } else { media[media.count - 1].control = control }
            return
        }
        guard !media.isEmpty else { return }
        let fields = argument.split(separator: " ", maxSplits: 1)
        guard fields.count == 2, Int(fields[0]) == media[media.count - 1].payloadType else { return }
        switch name {
        case "rtpmap":
            let pieces = fields[1].trimmingCharacters(in: " ").split(separator: "/")
            media[media.count - 1].encodingName = pieces.first.map { String($0).uppercased() }
            media[media.count - 1].clockRate = pieces.count > 1 ? Int(pieces[1]) : nil
            media[media.count - 1].channels = pieces.count > 2 ? Int(pieces[2]) : nil
        case "fmtp":
            for pair in fields[1].split(separator: ";") {
                let keyValue = pair.split(separator: "=", maxSplits: 1)
                guard let key = keyValue.first else { continue }
                let trimmedKey = String(key).trimmingSpaces.lowercased()
                guard !trimmedKey.isEmpty else { continue }
                media[media.count - 1].formatParameters[trimmedKey] =
                    keyValue.count > 1 ? String(keyValue[1]).trimmingSpaces : ""
            }
        default:
            return
        }
    }
}
