import Foundation
import Sessions

/// Ids of an `always` camera's sessions: `<device_id>-<UTC timestamp>` (`gate-20261130T122530Z`),
/// the device id cut down to what `SessionID` allows (other characters become `-`).
enum CameraSessionID {
    /// `attempt` > 0 adds `-<attempt>`, for a second session of the same camera within one second.
    static func make(deviceId: String, at date: Date, attempt: Int = 0) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stamp = formatter.string(from: date)
        let tail = attempt > 0 ? "-\(attempt)" : ""
        var prefix = String(deviceId.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_" || scalar == "-") ? Character(scalar) : "-"
        })
        if prefix.first.map({ !($0.isASCII && ($0.isLetter || $0.isNumber)) }) ?? true { prefix = "cam" + prefix }
        prefix = String(prefix.prefix(64 - 1 - stamp.count - tail.count))
        let id = "\(prefix)-\(stamp)\(tail)"
        return SessionID.isValid(id) ? id : "cam-\(stamp)\(tail)"
    }
}
