import Media
import RTSPServer
import Sessions

/// A session this daemon is recording now: what records it, its current row, and who waits on it.
struct LiveRecording {
    enum Kind: Sendable {
        /// Camera or test pattern: encoded here, counts against `maxSessions`.
        case capture
        /// Stream copy of an RTSP publisher or a pulled URL: counts against `maxIngestSessions`.
        case publish, pull

        var isIngest: Bool { self != .capture }
    }

    var session: Session
    let kind: Kind
    /// Nil only for a publish session that has not had a publisher yet.
    var recording: (any Recording)?
    var stats: PipelineStats?
    /// Set by close: the ending is the user's wish, so `completed` even during shutdown.
    var closeRequested = false
    var startWaiters: [CheckedContinuation<Void, Never>] = []
    var finishWaiters: [CheckedContinuation<Session, Never>] = []
    /// The RTSP publisher feeding a publish session now; nil while it waits or during the grace.
    var publisher: PublisherHandle?
    /// Counts publisher arrivals, so a late "left" of an earlier publisher is recognised and ignored.
    var publisherGeneration = 0
    /// Media seconds after which a publish session ends (its recording is made when the publisher comes).
    var maxMediaSeconds: Double?
    /// The publish wait or the reconnect grace running for this session.
    var publishTimer: Task<Void, Never>?
    /// The highest `seq` of this session journaled for the segment index.
    var indexedSeq = -1

    init(session: Session, kind: Kind, recording: (any Recording)?) {
        self.session = session
        self.kind = kind
        self.recording = recording
    }
}
