/// One transport spec of a SETUP `Transport` header (RFC 2326 §12.39).
struct TransportSpec: Sendable, Equatable {
    enum Lower: Sendable, Equatable { case udp, tcp }

    var lower: Lower
    var isMulticast: Bool
    var clientPorts: (rtp: Int, rtcp: Int)?
    var interleaved: (rtp: Int, rtcp: Int)?
    var mode: String?

    static func == (lhs: TransportSpec, rhs: TransportSpec) -> Bool {
        lhs.lower == rhs.lower && lhs.isMulticast == rhs.isMulticast && lhs.mode == rhs.mode
            && lhs.clientPorts?.rtp == rhs.clientPorts?.rtp && lhs.clientPorts?.rtcp == rhs.clientPorts?.rtcp
            && lhs.interleaved?.rtp == rhs.interleaved?.rtp && lhs.interleaved?.rtcp == rhs.interleaved?.rtcp
    }

    /// Every spec of a header; specs we cannot read are left out.
    static func parseList(_ header: String) -> [TransportSpec] {
        header.split(separator: ",").compactMap { parse(Substring($0)) }
    }

    static func parse(_ text: Substring) -> TransportSpec? {
        let fields = text.split(separator: ";").map { String($0).trimmingSpaces }
        guard let protocolField = fields.first?.uppercased() else { return nil }
        let lower: Lower
        switch protocolField {
        case "RTP/AVP", "RTP/AVP/UDP": lower = .udp
        case "RTP/AVP/TCP": lower = .tcp
        default: return nil
        }
        var spec = TransportSpec(lower: lower, isMulticast: false, clientPorts: nil, interleaved: nil, mode: nil)
        for field in fields.dropFirst() {
            let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
            let key = parts.first?.lowercased() ?? ""
            let value = parts.count > 1 ? parts[1] : ""
            switch key {
            case "multicast": spec.isMulticast = true
            case "client_port": spec.clientPorts = portPair(value)
            case "interleaved": spec.interleaved = portPair(value, range: 0...255)
            case "mode": spec.mode = value.trimmingCharacters(in: "\"").lowercased()
            default: continue
            }
        }
        return spec
    }

    /// `a-b` or a lone `a` (then b = a + 1).
    private static func portPair(_ value: String, range: ClosedRange<Int> = 1...65535) -> (Int, Int)? {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first.flatMap({ Int($0) }), range.contains(first) else { return nil }
        let second = parts.count > 1 ? Int(parts[1]) : first + 1
        guard let second, range.contains(second), parts.count <= 2 else { return nil }
        return (first, second)
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var text = Substring(self)
        while text.first == set { text.removeFirst() }
        while text.last == set { text.removeLast() }
        return String(text)
    }
}
