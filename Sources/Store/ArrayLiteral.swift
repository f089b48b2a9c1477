/// A PostgreSQL array literal (`{…}`) built in one buffer: elements quoted with `"` and `\` escaped,
/// or numbers, booleans or NULL, built without a string per element: the parameters of the
/// `unnest` batches (segments, detections).
struct ArrayLiteral {
    private var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity + 2)
        bytes.append(UInt8(ascii: "{"))
    }

    private mutating func separate() {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
    }

    mutating func append(quoting text: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func append(number: some BinaryInteger) {
        separate()
        bytes.append(contentsOf: String(number).utf8)
    }

    mutating func append(number: Double) {
        separate()
        bytes.append(contentsOf: number.description.utf8)
    }

    mutating func append(bool: Bool) {
        separate()
        bytes.append(bool ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }

    mutating func appendNull() {
        separate()
        bytes.append(contentsOf: "NULL".utf8)
    }

    var text: String {
        var closed = bytes
        closed.append(UInt8(ascii: "}"))
        return String(decoding: closed, as: UTF8.self)
    }
}

extension ArrayLiteral {
    /// One literal of `values`, each added by `add`.
    static func of<Value>(_ values: some Collection<Value>, bytesEach: Int = 8, _ add: (inout ArrayLiteral, Value) -> Void) -> String {
        var literal = ArrayLiteral(capacity: values.count * bytesEach)
        for value in values { add(&literal, value) }
        return literal.text
    }
}
