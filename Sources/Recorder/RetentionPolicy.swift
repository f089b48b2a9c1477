import Foundation

/// Which ended recordings to remove: older than `maxAgeSec`, the oldest beyond `maxTotalBytes` of
/// recordings, and the oldest while the volume has less than `minFreeBytes` free. Nil limits are off.
public struct RetentionPolicy: Sendable, Equatable {
    public var maxAgeSec: Double?
    public var maxTotalBytes: Int64?
    public var minFreeBytes: Int64?

    public init(maxAgeSec: Double? = nil, maxTotalBytes: Int64? = nil, minFreeBytes: Int64? = nil) {
        self.maxAgeSec = maxAgeSec
        self.maxTotalBytes = maxTotalBytes
        self.minFreeBytes = minFreeBytes
    }

    public var isEnabled: Bool { maxAgeSec != nil || maxTotalBytes != nil || minFreeBytes != nil }
}

/// What one retention pass did.
public struct RetentionReport: Sendable, Equatable {
    /// Sessions whose files and row were removed, oldest first.
    public var deleted: [String] = []
    /// Rows whose files were already gone (a delete interrupted between the two) and are now removed.
    public var repaired: [String] = []
}
