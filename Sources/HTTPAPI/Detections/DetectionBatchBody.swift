import Foundation
import Recorder
import Sessions

/// Decodes a `POST /sessions/{id}/detections` body: `{"detections":[…]}`. Malformed JSON and wrong
/// types are 400 naming the item and field; value rules are the session manager's (422), so the
/// built-in detector's items pass the same checks.
enum DetectionBatchBody {
    static let maxJSONDepth = 32

    static func decode(_ data: Data) throws(APIError) -> [DetectionInput] {
        // (A NUL byte is never plain JSON: such a body goes to the general decoder, which names it.)
        if let items = plainItems(Array(data)) {
            guard (1...DetectionInput.maxItems).contains(items.count) else {
                throw APIError(.unprocessableContent, code: "invalid_batch", "detections must hold 1 to \(DetectionInput.maxItems) items; this batch has \(items.count).")
            }
            var inputs: [DetectionInput] = []
            inputs.reserveCapacity(items.count)
            for (index, fields) in items.enumerated() {
                // The last of a repeated key counts, as in the general decoder's dictionary.
                inputs.append(try decodeItem(index: index) { name in fields.last(where: { $0.0 == name })?.1 })
            }
            return inputs
        }
        return try decodeGeneral(data)
    }

    /// Any body: parsed whole into `JSONValue`, every error named.
    static func decodeGeneral(_ data: Data) throws(APIError) -> [DetectionInput] {
        let root = try JSONValue.parseBody(data, maxDepth: maxJSONDepth)
        guard case .object(let fields) = root else {
            throw .badRequest("invalid_json", "The request body must be a JSON object with a detections array.")
        }
        guard case .array(let items)? = fields["detections"] else {
            throw .badRequest("wrong_type", "detections must be an array of 1 to \(DetectionInput.maxItems) detections.")
        }
        guard (1...DetectionInput.maxItems).contains(items.count) else {
            throw APIError(.unprocessableContent, code: "invalid_batch", "detections must hold 1 to \(DetectionInput.maxItems) items; this batch has \(items.count).")
        }
        var inputs: [DetectionInput] = []
        inputs.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            inputs.append(try decodeItem(item, index: index))
        }
        return inputs
    }

    /// The items of a body of exactly the shape `{"detections": [{…}, …]}`, each as its fields in order,
    /// read without a dictionary per item; nil for anything else, or anything malformed, which the
    /// general decoder then reads and names (so both answer every body alike).
    static func plainItems(_ bytes: [UInt8]) -> [[(String, JSONValue)]]? {
        var parser = JSONParser(bytes: bytes, maxDepth: maxJSONDepth)
        guard parser.take(UInt8(ascii: "{")), parser.take(UInt8(ascii: "\"")) else { return nil }
        parser.index -= 1
        guard (try? parser.string()) == "detections", parser.take(UInt8(ascii: ":")), parser.take(UInt8(ascii: "[")) else { return nil }
        // Depth as the general parser counts it: the body's object, the array, then each item.
        parser.depth = 3
        var items: [[(String, JSONValue)]] = []
        items.reserveCapacity(1000)
        if !parser.take(UInt8(ascii: "]")) {
            repeat {
                guard parser.take(UInt8(ascii: "{")) else { return nil }
                var fields: [(String, JSONValue)] = []
                fields.reserveCapacity(8)
                if !parser.take(UInt8(ascii: "}")) {
                    repeat {
                        parser.skipWhitespace()
                        guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "\""),
                              let key = try? parser.string(), parser.take(UInt8(ascii: ":")),
                              let value = try? parser.value() else { return nil }
                        fields.append((key, value))
                    } while parser.take(UInt8(ascii: ","))
                    guard parser.take(UInt8(ascii: "}")) else { return nil }
                }
                items.append(fields)
            } while parser.take(UInt8(ascii: ","))
            guard parser.take(UInt8(ascii: "]")) else { return nil }
        }
        guard parser.take(UInt8(ascii: "}")) else { return nil }
        parser.skipWhitespace()
        return parser.atEnd ? items : nil
    }

    private static func decodeItem(_ item: JSONValue, index: Int) throws(APIError) -> DetectionInput {
        guard case .object(let fields) = item else {
            throw APIError.badRequest("wrong_type", "detections[\(index)]. must be a JSON object.").withoutTrailingDot(index)
        }
        return try decodeItem(index: index) { fields[$0] }
    }

    /// One item from its fields, found by name.
    private static func decodeItem(index: Int, field: (String) -> JSONValue?) throws(APIError) -> DetectionInput {
        func wrongType(_ field: String, _ expected: String) -> APIError {
            .badRequest("wrong_type", "detections[\(index)].\(field) must be \(expected).")
        }
        func value(_ name: String, or other: String? = nil) -> (String, JSONValue)? {
            if let found = field(name), found != .null { return (name, found) }
            if let other, let found = field(other), found != .null { return (other, found) }
            return nil
        }
        func number(_ field: String, _ value: JSONValue) throws(APIError) -> Double {
            guard case .number(let number) = value else { throw wrongType(field, "a number") }
            return number
        }

        var id: String?
        if let (name, raw) = value("id") {
            guard case .string(let text) = raw else { throw wrongType(name, "a string") }
            id = text
        }
        let time: DetectionInput.Time
        switch (value("ts"), value("offsetSec", or: "offset_sec")) {
        case (.some, .some):
            throw APIError(.unprocessableContent, code: "invalid_time", "detections[\(index)] must give ts or offsetSec, not both.")
        case (nil, nil):
            throw APIError(.unprocessableContent, code: "missing_time", "detections[\(index)] needs ts (ISO 8601 or epoch milliseconds) or offsetSec.")
        case (.some((_, let raw)), nil):
            time = .ts(try timestamp(raw, index: index))
        case (nil, .some((let name, let raw))):
            time = .offsetSec(try number(name, raw))
        }
        guard let (_, rawLabel) = value("label") else {
            throw APIError(.unprocessableContent, code: "invalid_label", "detections[\(index)].label is required: 1 to \(DetectionInput.maxLabelCharacters) characters.")
        }
        guard case .string(let label) = rawLabel else { throw wrongType("label", "a string") }
        guard let (_, rawConfidence) = value("confidence") else {
            throw APIError(.unprocessableContent, code: "invalid_confidence", "detections[\(index)].confidence is required: a number from 0 to 1.")
        }
        let confidence = try number("confidence", rawConfidence)
        var bbox: BoundingBox?
        if let (_, rawBox) = value("bbox") {
            guard case .object(let box) = rawBox else { throw wrongType("bbox", "an object with x, y, w and h") }
            func part(_ key: String) throws(APIError) -> Double {
                guard let part = box[key] else {
                    throw APIError(.unprocessableContent, code: "invalid_bbox", "detections[\(index)].bbox.\(key) is required: a number from 0 to 1.")
                }
                return try number("bbox.\(key)", part)
            }
            bbox = BoundingBox(x: try part("x"), y: try part("y"), w: try part("w"), h: try part("h"))
        }
        var attributes = "{}"
        if let (_, rawAttributes) = value("attributes") {
            guard case .object = rawAttributes else { throw wrongType("attributes", "a JSON object") }
            if rawAttributes.containsNUL { throw .badRequest("nul_byte", "detections[\(index)].attributes contains a NUL character.") }
            guard let text = rawAttributes.text else {
                throw APIError(.unprocessableContent, code: "invalid_attributes", "detections[\(index)].attributes holds a number JSON cannot represent.")
            }
            attributes = text
        }
        return DetectionInput(id: id, time: time, label: label, confidence: confidence, bbox: bbox, attributesJSON: attributes)
    }

    /// ISO 8601 (a string) or epoch milliseconds (a number or a string of digits).
    private static func timestamp(_ raw: JSONValue, index: Int) throws(APIError) -> Date {
        let invalid = APIError(.unprocessableContent, code: "invalid_time", "detections[\(index)].ts must be an ISO 8601 time such as 2026-11-30T10:00:00Z or epoch milliseconds.")
        switch raw {
        case .number(let millis):
            guard millis.isFinite, millis == millis.rounded(), abs(millis) < 253_402_300_800_000 else { throw invalid }
            return Date(epochMilliseconds: Int64(millis))
        case .string(let text):
            do {
                return try ArchiveWindow.time(text, name: "detections[\(index)].ts")
            } catch {
                throw invalid
            }
        default:
            throw .badRequest("wrong_type", "detections[\(index)].ts must be a string (ISO 8601) or a number (epoch milliseconds).")
        }
    }
}

private extension APIError {
    /// `detections[3].` with no field names the item itself.
    func withoutTrailingDot(_ index: Int) -> APIError {
        APIError(status, code: code, message.replacingOccurrences(of: "detections[\(index)]. must", with: "detections[\(index)] must"))
    }
}
