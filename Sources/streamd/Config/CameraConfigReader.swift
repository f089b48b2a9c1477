import Media
import Recorder

/// Reads the top-level `cameras:` list: each item `{device_id, url, record: always | off}`, every
/// mistake naming the item (`cameras[1].url`), unknown keys in an item refused like anywhere else.
enum CameraConfigReader {
    static func read(_ value: Any, key: String) throws -> [ConfiguredCamera] {
        guard let items = value as? [Any] else { throw ConfigError(key: key, problem: "must be a list of cameras") }
        var cameras: [ConfiguredCamera] = []
        for (index, item) in items.enumerated() {
            let itemKey = "\(key)[\(index)]"
            guard let mapping = item as? [String: Any] else {
                throw ConfigError(key: itemKey, problem: "must be a mapping with device_id, url and record")
            }
            var reader = YAMLReader(values: mapping, prefix: itemKey + ".")
            guard let deviceId = try reader.string("device_id") else { throw reader.problem("device_id", "is required") }
            guard let text = try reader.string("url") else { throw reader.problem("url", "is required") }
            let record = try recordValue(&reader)
            try reader.finish()
            guard (1...128).contains(deviceId.count), deviceId.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
                throw reader.problem("device_id", "must be 1 to 128 printable ASCII characters without spaces")
            }
            guard let url = SourceURL(text) else {
                // The URL may carry a password: the message shows it redacted.
                throw reader.problem("url", "\"\(SourceURL.redact(text))\" is not a source streamd can pull: rtsp://, rtsps://, rtmp://, srt://, http:// or https:// with a host")
            }
            guard let mode = ConfiguredCamera.RecordMode(rawValue: record) else {
                throw reader.problem("record", "must be always or off, not \"\(record)\"")
            }
            if cameras.contains(where: { $0.deviceId == deviceId }) {
                throw reader.problem("device_id", "\"\(deviceId)\" is listed twice")
            }
            cameras.append(ConfiguredCamera(deviceId: deviceId, url: url, record: mode))
        }
        return cameras
    }

    /// YAML 1.1 reads an unquoted `off` as false: that is `off` here.
    private static func recordValue(_ reader: inout YAMLReader) throws -> String {
        switch reader.take("record") {
        case nil: return ConfiguredCamera.RecordMode.always.rawValue
        case let flag as Bool where !flag: return ConfiguredCamera.RecordMode.off.rawValue
        case let text as String: return text
        case let other?: throw reader.problem("record", "must be always or off, not \(other)")
        }
    }
}
