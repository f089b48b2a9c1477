import Media

/// One entry of the config's `cameras:` list: a pull source recorded by streamd itself.
public struct ConfiguredCamera: Sendable {
    public enum RecordMode: String, Sendable, CaseIterable {
        /// Pulled for as long as streamd runs, as back-to-back sessions of at most `ingest.max_session_sec`.
        case always
        /// Listed and validated only.
        case off
    }

    public var deviceId: String
    public var url: SourceURL
    public var record: RecordMode

    public init(deviceId: String, url: SourceURL, record: RecordMode) {
        self.deviceId = deviceId
        self.url = url
        self.record = record
    }
}
