import Foundation

extension JSONValue {
    /// Compact JSON text of this value (keys sorted, so equal values store equal text). Nil when a
    /// number is not finite (`1e999` parses to infinity, which JSON cannot spell).
    var text: String? {
        var out = ""
        return write(into: &out) ? out : nil
    }

    private func write(into out: inout String) -> Bool {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let value):
            guard value.isFinite else { return false }
            if value == value.rounded(), abs(value) < 1e15 {
                out += String(Int64(value))
            } else {
                out += "\(value)"
            }
        case .string(let value): out += JSONText.quote(value)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                guard item.write(into: &out) else { return false }
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                out += JSONText.quote(key) + ":"
                guard fields[key]?.write(into: &out) ?? false else { return false }
            }
            out += "}"
        }
        return true
    }

    /// True when a string anywhere inside (keys included) holds a NUL, which PostgreSQL's jsonb refuses.
    var containsNUL: Bool {
        switch self {
        case .null, .bool, .number: false
        case .string(let value): value.unicodeScalars.contains("\u{0}")
        case .array(let items): items.contains { $0.containsNUL }
        case .object(let fields): fields.contains { $0.key.unicodeScalars.contains("\u{0}") || $0.value.containsNUL }
        }
    }
}
