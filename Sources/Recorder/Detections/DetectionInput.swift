import Foundation
import Sessions

/// One detection as a detector hands it in (the POST body's item, or the built-in motion detector),
/// before it is placed in its session: its time is a wall-clock `ts` or a media `offsetSec`.
public struct DetectionInput: Sendable, Equatable {
    public enum Time: Sendable, Equatable {
        case ts(Date)
        case offsetSec(Double)
    }

    /// The client's idempotency key; nil lets the server make one.
    public var id: String?
    public var time: Time
    public var label: String
    public var confidence: Double
    public var bbox: BoundingBox?
    /// A JSON object as text.
    public var attributesJSON: String

    public init(id: String? = nil, time: Time, label: String, confidence: Double, bbox: BoundingBox? = nil, attributesJSON: String = "{}") {
        self.id = id
        self.time = time
        self.label = label
        self.confidence = confidence
        self.bbox = bbox
        self.attributesJSON = attributesJSON
    }

    /// The contract's limits (§11).
    public static let maxItems = 1000
    public static let maxLabelCharacters = 64
    public static let maxIdCharacters = 64
    public static let maxAttributesBytes = 4096
    /// How far outside a session's span a `ts` may be.
    public static let spanToleranceSec = 5.0

    /// Checks every rule that needs no database; the error names the item and its field.
    func validate(index: Int) throws(RecorderError) {
        func invalid(_ field: String, _ code: String, _ rule: String) -> RecorderError {
            RecorderError(.invalid, code: code, "detections[\(index)].\(field) \(rule)")
        }
        if let id {
            guard (1...Self.maxIdCharacters).contains(id.count), !id.unicodeScalars.contains("\u{0}") else {
                throw invalid("id", "invalid_id", "must be a string of 1 to \(Self.maxIdCharacters) characters without NUL.")
            }
        }
        guard (1...Self.maxLabelCharacters).contains(label.count),
              !label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw invalid("label", "invalid_label", "must be 1 to \(Self.maxLabelCharacters) characters without control characters.")
        }
        guard confidence.isFinite, (0...1).contains(confidence) else {
            throw invalid("confidence", "invalid_confidence", "must be a number from 0 to 1.")
        }
        if let bbox {
            let values = [("x", bbox.x), ("y", bbox.y), ("w", bbox.w), ("h", bbox.h)]
            if let (name, _) = values.first(where: { !$0.1.isFinite || !(0...1).contains($0.1) }) {
                throw invalid("bbox.\(name)", "invalid_bbox", "must be a number from 0 to 1.")
            }
            // A little slack for fractions that were rounded on the detector's side.
            guard bbox.x + bbox.w <= 1 + 1e-9 else { throw invalid("bbox", "invalid_bbox", "must have x + w ≤ 1.") }
            guard bbox.y + bbox.h <= 1 + 1e-9 else { throw invalid("bbox", "invalid_bbox", "must have y + h ≤ 1.") }
        }
        guard attributesJSON.utf8.count < Self.maxAttributesBytes else {
            throw invalid("attributes", "invalid_attributes", "must be a JSON object under \(Self.maxAttributesBytes) bytes.")
        }
        if case .offsetSec(let offset) = time {
            guard offset.isFinite, offset >= 0, offset <= 10 * 365 * 86_400 else {
                throw invalid("offsetSec", "invalid_offset", "must be a number of seconds from 0 into the session.")
            }
        }
    }
}
