import Foundation
import Media
import Sessions

/// One export request resolved against the recordings: what it reads, and the key the cache
/// knows it by (the exact segments and the range, so a growing live range gets a new key).
public struct ExportJob: Sendable, Equatable {
    /// One segment as an export reads it.
    struct Piece: Equatable {
        var sessionId: String
        var seq: Int
        var uri: String
        var durationSec: Double
        var bytes: Int64
        /// Its timestamps need not continue the previous piece's (a discontinuity or a gap).
        var breaksBefore: Bool
    }

    public var key: String
    public var plan: ExportPlan
    public var sessionIds: Set<String>
    /// Seconds of recording the range covers (before snapping to a keyframe).
    public var mediaSec: Double

    /// `startSec` into the first piece and `endSec` into the last (nil: whole).
    init(pieces: [Piece], startSec: Double?, endSec: Double?, directory: (String) -> URL) {
        var runs: [ExportRun] = []
        var previous: Piece?
        for piece in pieces {
            let folder = directory(piece.sessionId)
            let path = folder.appendingPathComponent(piece.uri).path
            let continues = previous.map { $0.sessionId == piece.sessionId && $0.seq + 1 == piece.seq } ?? false
            if continues, !piece.breaksBefore, !runs.isEmpty {
                runs[runs.count - 1].segments.append(ExportRun.Piece(path: path, durationSec: piece.durationSec))
            } else {
                let initSegment = piece.uri.hasSuffix(".m4s") ? folder.appendingPathComponent(RecordingLayout.initSegmentFileName).path : nil
                runs.append(ExportRun(initSegment: initSegment, segments: [ExportRun.Piece(path: path, durationSec: piece.durationSec)]))
            }
            previous = piece
        }
        let start = startSec.flatMap { $0 > 0.0005 ? $0 : nil }
        let end = endSec.flatMap { end in pieces.last.flatMap { end < $0.durationSec - 0.0005 ? end : nil } }
        plan = ExportPlan.of(runs: runs, startSec: start, endSec: end)
        sessionIds = Set(pieces.map(\.sessionId))
        mediaSec = pieces.reduce(0) { $0 + $1.durationSec } - (start ?? 0) - (end.map { (pieces.last?.durationSec ?? 0) - $0 } ?? 0)
        var text = "mp4-export-1\n"
        for piece in pieces {
            text += "\(piece.sessionId)/\(piece.seq)/\(piece.uri)/\(piece.bytes)/\(piece.durationSec)/\(piece.breaksBefore)\n"
        }
        text += "start=\(start.map { Int64(($0 * 1000).rounded()) } ?? 0) end=\(end.map { String(Int64(($0 * 1000).rounded())) } ?? "-")"
        key = Self.digest(text)
    }

    /// 128 bits of two FNV-1a hashes as hex: a name, not a security boundary (the inputs are ours).
    static func digest(_ text: String) -> String {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x6c62_272e_07bb_0142
        for byte in text.utf8 {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            second = (second ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            second = second &+ (second >> 29)
        }
        return String(format: "%016llx%016llx", first, second)
    }
}
