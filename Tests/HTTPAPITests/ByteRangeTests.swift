@testable import HTTPAPI
import Testing

/// `Range` headers against a 1000-byte file (RFC 9110 §14.1.2): one range is honoured, anything
/// the grammar does not allow serves the whole file, and a range past the end is a 416.
struct ByteRangeTests {
    @Test(arguments: [
        ("bytes=0-9", ByteRange.partial(0...9)),
        ("bytes=990-", .partial(990...999)),
        ("bytes=990-5000", .partial(990...999)),
        ("bytes=-10", .partial(990...999)),
        ("bytes=-5000", .partial(0...999)),
        ("bytes= 5-6\t", .partial(5...6)),
        ("bytes=999-999", .partial(999...999)),
        ("bytes=1000-", .unsatisfiable),
        ("bytes=1000-1001", .unsatisfiable),
        ("bytes=-0", .unsatisfiable),
        (nil, .whole),
        ("", .whole),
        ("items=0-9", .whole),
        ("bytes=0-9,20-29", .whole),
        ("bytes=9-0", .whole),
        ("bytes=-", .whole),
        ("bytes=a-9", .whole),
        ("bytes=+1-9", .whole),
        ("bytes=0-+9", .whole),
        ("bytes=--9", .whole),
        ("bytes=0 - 9", .whole),
        ("bytes=99999999999999999999-", .whole),
    ] as [(String?, ByteRange)])
    func resolves(header: String?, expected: ByteRange) {
        #expect(ByteRange(header: header, size: 1000) == expected)
    }

    @Test func anEmptyFileHasNoSuffix() {
        #expect(ByteRange(header: "bytes=-1", size: 0) == .unsatisfiable)
        #expect(ByteRange(header: "bytes=0-", size: 0) == .unsatisfiable)
    }
}
