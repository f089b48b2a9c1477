import Foundation
import Sessions

/// A session as the journal file stores it. The file outlives the build that wrote it, so its
/// shape is written down here rather than left to `Session`'s layout: the keys are those the first
/// journal format used (Swift's synthesized names, dates as seconds since 2001), and fields added
/// later are optional when read, so a journal written by an older build still replays.
struct JournalSessionRecord: Codable, Sendable, Equatable {
    /// The record version this build writes; 1 had no `version` key and no round-2 fields.
    static let currentVersion = 2

    var version: Int?
    var sessionId: String
    var deviceId: String
    var streamPath: String
    var status: String
    var source: String
    var device: String?
    var edgeStartTs: Int64?
    var edgeEndTs: Int64?
    var playlistUrl: String
    var durationSec: Double?
    var postRollSec: Double
    var width: Int
    var height: Int
    var fps: Int
    var mediaDurationSec: Double
    var segmentCount: Int
    var bytes: Int64
    var error: String?
    var node: String
    var createdAt: Date
    var updatedAt: Date
    var sourceUrl: String?
    var videoCodec: String?
    var audioCodec: String?
    var transcoded: Bool?
    var reconnects: Int?

    init(_ session: Session) {
        version = Self.currentVersion
        sessionId = session.sessionId
        deviceId = session.deviceId
        streamPath = session.streamPath
        status = session.status.rawValue
        source = session.source
        device = session.device
        edgeStartTs = session.edgeStartTs
        edgeEndTs = session.edgeEndTs
        playlistUrl = session.playlistUrl
        durationSec = session.durationSec
        postRollSec = session.postRollSec
        width = session.width
        height = session.height
        fps = session.fps
        mediaDurationSec = session.mediaDurationSec
        segmentCount = session.segmentCount
        bytes = session.bytes
        error = session.error
        node = session.node
        createdAt = session.createdAt
        updatedAt = session.updatedAt
        sourceUrl = session.sourceUrl
        videoCodec = session.videoCodec
        audioCodec = session.audioCodec
        transcoded = session.transcoded
        reconnects = session.reconnects
    }

    /// The session, or nil when the record names a status this build does not know.
    var session: Session? {
        guard let status = SessionStatus(rawValue: status) else { return nil }
        return Session(
            sessionId: sessionId, deviceId: deviceId, streamPath: streamPath, status: status, source: source,
            device: device, edgeStartTs: edgeStartTs, edgeEndTs: edgeEndTs, playlistUrl: playlistUrl,
            durationSec: durationSec, postRollSec: postRollSec, width: width, height: height, fps: fps,
            mediaDurationSec: mediaDurationSec, segmentCount: segmentCount, bytes: bytes, error: error, node: node,
            sourceUrl: sourceUrl, videoCodec: (version ?? 1) >= 2 ? videoCodec : "h264", audioCodec: audioCodec,
            transcoded: transcoded ?? false, reconnects: reconnects ?? 0, createdAt: createdAt, updatedAt: updatedAt)
    }
}

/// A row of the segment index as the journal file stores it (record version 1; fields added later
/// must be optional when read).
struct JournalSegmentRecord: Codable, Sendable, Equatable {
    static let currentVersion = 1

    var version: Int
    var sessionId: String
    var seq: Int
    var uri: String
    var startsAtMs: Int64
    var durationSec: Double
    var bytes: Int64
    var discontinuity: Bool

    init(_ segment: Segment) {
        version = Self.currentVersion
        sessionId = segment.sessionId
        seq = segment.seq
        uri = segment.uri
        startsAtMs = segment.startsAt.epochMilliseconds
        durationSec = segment.durationSec
        bytes = segment.bytes
        discontinuity = segment.discontinuity
    }

    var segment: Segment {
        Segment(
            sessionId: sessionId, seq: seq, uri: uri, startsAt: Date(epochMilliseconds: startsAtMs),
            durationSec: durationSec, bytes: bytes, discontinuity: discontinuity)
    }

    /// The journal's key for this row: `#` cannot occur in a session id, so it never meets a session's key.
    var key: String { "\(sessionId)#\(seq)" }
}
