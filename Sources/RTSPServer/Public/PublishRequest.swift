/// What the daemon is asked to accept at ANNOUNCE.
public struct PublishRequest: Sendable {
    /// The first path component of the ANNOUNCE URL, percent-decoded: the session id.
    public var path: String
    /// The ANNOUNCE URL's query parameters, percent-decoded (`deviceId`, …).
    public var query: [String: String]
    /// Accepted tracks only: the video track(s) and AAC audio; other audio is already dropped.
    public var tracks: [PublishTrack]
    /// The publisher's address as `ip:port`.
    public var remoteAddress: String

    public init(path: String, query: [String: String], tracks: [PublishTrack], remoteAddress: String) {
        self.path = path
        self.query = query
        self.tracks = tracks
        self.remoteAddress = remoteAddress
    }
}
