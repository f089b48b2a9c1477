import Foundation

/// Numbers as a person reads them in a terminal.
enum HumanUnits {
    static func bytes(_ count: Int64?) -> String {
        guard let count else { return "-" }
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    static func seconds(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.1f s", value)
    }

    /// `2026-11-30T03:22:31.123Z` → `2026-11-30 03:22:31` (UTC, as the API gives it).
    static func timestamp(_ iso: String?) -> String {
        guard let iso, iso.count >= 19 else { return iso ?? "-" }
        return String(iso.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }
}
