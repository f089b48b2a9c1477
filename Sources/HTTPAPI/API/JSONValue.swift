import Foundation

/// Any JSON value, so a request body can be checked field by field with messages that name the field.
/// Parsed by one left-to-right pass (linear in the body), refusing nesting deeper than `maxDepth` as
/// soon as it is reached, before reading further.
enum JSONValue: Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    enum ParseError: Error, Equatable {
        case tooDeep(limit: Int)
        case invalid(offset: Int)
    }

    static func parse(_ data: Data, maxDepth: Int = 32) throws(ParseError) -> JSONValue {
        var parser = JSONParser(bytes: Array(data), maxDepth: maxDepth)
        return try parser.document()
    }

    /// A request body: NUL bytes, nesting past `maxDepth` and invalid JSON are 400s that say which.
    static func parseBody(_ data: Data, maxDepth: Int) throws(APIError) -> JSONValue {
        if data.withUnsafeBytes({ $0.firstIndex(of: 0) != nil }) { throw .badRequest("nul_byte", "The request body contains a NUL byte.") }
        do throws(ParseError) {
            return try parse(data, maxDepth: maxDepth)
        } catch {
            switch error {
            case .tooDeep(let limit):
                throw .badRequest("json_too_deep", "The request body nests JSON deeper than \(limit) levels.")
            case .invalid(let offset):
                throw .badRequest("invalid_json", "The request body is not valid JSON (at byte \(offset)).")
            }
        }
    }
}

/// The parser behind `JSONValue.parse`; `DetectionBatchBody` also drives it directly to read a batch's
/// items without a dictionary per item.
struct JSONParser {
    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0
    var depth = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func document() throws(JSONValue.ParseError) -> JSONValue {
        let value = try self.value()
        skipWhitespace()
        guard index == bytes.count else { throw invalid }
        return value
    }

    private var invalid: JSONValue.ParseError { .invalid(offset: index) }

    /// Steps over `byte` after any whitespace; false (and nothing consumed but whitespace) otherwise.
    mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    var atEnd: Bool { index == bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func value() throws(JSONValue.ParseError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw invalid }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try container { (parser) throws(JSONValue.ParseError) in try parser.objectBody() }
        case UInt8(ascii: "["): return try container { (parser) throws(JSONValue.ParseError) in try parser.arrayBody() }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    /// Enters an object or array: the depth check comes before anything inside is read.
    private mutating func container(_ body: (inout JSONParser) throws(JSONValue.ParseError) -> JSONValue) throws(JSONValue.ParseError) -> JSONValue {
        depth += 1
        guard depth <= maxDepth else { throw .tooDeep(limit: maxDepth) }
        index += 1
        let value = try body(&self)
        depth -= 1
        return value
    }

    private mutating func objectBody() throws(JSONValue.ParseError) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(fields)
        }
        // Room for a detection's fields without growing the table on the way.
        fields.reserveCapacity(8)
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw invalid }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw invalid }
            index += 1
            fields[key] = try value()
            skipWhitespace()
            guard index < bytes.count else { throw invalid }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "}") else { throw invalid }
            index += 1
            return .object(fields)
        }
    }

    private mutating func arrayBody() throws(JSONValue.ParseError) -> JSONValue {
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw invalid }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "]") else { throw invalid }
            index += 1
            return .array(items)
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONValue.ParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw invalid }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        guard bytes[index..<(index + count)].elementsEqual(expected) else { throw invalid }
        index += count
    }

    /// RFC 8259 number grammar, checked byte by byte. A number without an exponent and with at most 15
    /// digits (such as epoch milliseconds or a confidence) is its digits, gathered on the way and
    /// exact in a double, divided by an exact power of ten: one correctly rounded division gives the
    /// double `strtod` would. Any other comes from `Double`'s own parser.
    private mutating func number() throws(JSONValue.ParseError) -> Double {
        let start = index
        var mantissa: UInt64 = 0
        var mantissaDigits = 0
        func digits(_ parser: inout JSONParser, gathering: Bool = true) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) {
                if gathering {
                    mantissa = mantissa &* 10 &+ UInt64(parser.bytes[parser.index] - UInt8(ascii: "0"))
                    mantissaDigits += 1
                }
                parser.index += 1
            }
            return parser.index - from
        }
        let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < bytes.count else { throw invalid }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            guard digits(&self) > 0 else { throw invalid }
        }
        var fractionDigits = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            fractionDigits = digits(&self)
            guard fractionDigits > 0 else { throw invalid }
        }
        var exponent = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            exponent = true
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self, gathering: false) > 0 else { throw invalid }
        }
        if !exponent, mantissaDigits <= 15 {
            let magnitude = Double(mantissa) / Self.powersOfTen[fractionDigits]
            return negative ? -magnitude : magnitude
        }
        let end = index
        let parsed = bytes.withUnsafeBufferPointer { Double(String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self)) }
        guard let value = parsed, value.isFinite else {
            throw JSONValue.ParseError.invalid(offset: start)
        }
        return value
    }

    /// Exact powers of ten as doubles (10^22 is the last one a double holds exactly).
    private static let powersOfTen: [Double] = (0...22).map { exponent in (0..<exponent).reduce(1.0) { value, _ in value * 10 } }

    /// A string literal: escapes decoded (surrogate pairs joined), raw control characters and invalid
    /// UTF-8 refused.
    mutating func string() throws(JSONValue.ParseError) -> String {
        index += 1
        // Most strings have no escapes: one scan, one copy (validated unless every byte is ASCII,
        // which is valid UTF-8 as it stands).
        var end = index
        var ascii = true
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 {
            ascii = ascii && bytes[end] < 0x80
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            let start = index
            let text = bytes.withUnsafeBufferPointer { buffer in
                let run = UnsafeBufferPointer(rebasing: buffer[start..<end])
                return ascii ? String(decoding: run, as: UTF8.self) : String(validating: run, as: UTF8.self)
            }
            guard let text else { throw .invalid(offset: start) }
            index = end + 1
            return text
        }
        var scalars = String.UnicodeScalarView()
        var run = index
        func flush(_ parser: JSONParser, upTo end: Int) throws(JSONValue.ParseError) -> String {
            guard let text = String(validating: parser.bytes[run..<end], as: UTF8.self) else { throw .invalid(offset: run) }
            return text
        }
        while true {
            guard index < bytes.count else { throw invalid }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                scalars.append(contentsOf: try flush(self, upTo: index).unicodeScalars)
                index += 1
                return String(scalars)
            }
            guard byte >= 0x20 else { throw invalid }
            guard byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            scalars.append(contentsOf: try flush(self, upTo: index).unicodeScalars)
            index += 1
            guard index < bytes.count else { throw invalid }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                let unit = try hex4()
                if (0xD800..<0xDC00).contains(unit) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw invalid }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low),
                          let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) else { throw invalid }
                    scalars.append(scalar)
                } else {
                    guard let scalar = Unicode.Scalar(unit) else { throw invalid }
                    scalars.append(scalar)
                }
            default:
                throw invalid
            }
            run = index
        }
    }

    private mutating func hex4() throws(JSONValue.ParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw invalid }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            guard let digit = hexDigit(byte) else { throw invalid }
            value = value << 4 | digit
        }
        index += 4
        return value
    }

    private func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
