/// Reads big-endian bit fields (RFC 3640 AU headers).
struct BitReader {
    private let bytes: ArraySlice<UInt8>
    private var position = 0

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    var bitsLeft: Int { bytes.count * 8 - position }

    /// nil when fewer than `count` bits are left; count ≤ 32.
    mutating func read(_ count: Int) -> UInt32? {
        guard count >= 0, count <= 32, count <= bitsLeft else { return nil }
        var value: UInt32 = 0
        for _ in 0..<count {
            let byte = bytes[bytes.startIndex + position / 8]
            let bit = (byte >> UInt8(7 - position % 8)) & 1
            value = value << 1 | UInt32(bit)
            position += 1
        }
        return value
    }
}
