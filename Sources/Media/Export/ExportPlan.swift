import Foundation

/// What one MP4 export reads, in order: recording pieces, each a few segment files read as one
/// stream. Built by the recorder from the segment index or a playlist; remuxed by `MP4Export`.
public struct ExportPlan: Sendable, Equatable {
    public var inputs: [ExportInput]
    /// Seconds of media the inputs hold (before trims): sizes the space reserved for `moov`.
    public var mediaSeconds: Double

    public init(inputs: [ExportInput], mediaSeconds: Double = 0) {
        self.inputs = inputs
        self.mediaSeconds = mediaSeconds
    }

    /// At most this many segment files are opened at once (the concat protocol opens them all).
    public static let filesPerInput = 32

    /// The plan for `runs`: each run is consecutive segments of one recording whose timestamps
    /// continue, split into inputs of at most `filesPerInput` files. `startSec` trims the first
    /// segment of the first run, `endSec` the last segment of the last run (seconds into that segment).
    public static func of(runs: [ExportRun], startSec: Double?, endSec: Double?) -> ExportPlan {
        var inputs: [ExportInput] = []
        for (runIndex, run) in runs.enumerated() {
            let chunks = stride(from: 0, to: run.segments.count, by: filesPerInput).map {
                Array(run.segments[$0..<min($0 + filesPerInput, run.segments.count)])
            }
            for (chunkIndex, chunk) in chunks.enumerated() {
                let isFirst = runIndex == 0 && chunkIndex == 0
                let isLast = runIndex == runs.count - 1 && chunkIndex == chunks.count - 1
                let before = chunk.dropLast().reduce(0) { $0 + $1.durationSec }
                inputs.append(ExportInput(
                    files: (run.initSegment.map { [$0] } ?? []) + chunk.map(\.path),
                    startSec: isFirst ? startSec.flatMap { $0 > 0 ? $0 : nil } : nil,
                    endSec: isLast ? endSec.map { before + $0 } : nil,
                    continuesPrevious: chunkIndex > 0))
            }
        }
        return ExportPlan(inputs: inputs, mediaSeconds: runs.reduce(0) { $0 + $1.segments.reduce(0) { $0 + $1.durationSec } })
    }
}

/// Consecutive segments of one recording: one session, contiguous sequence numbers, no gap.
public struct ExportRun: Sendable, Equatable {
    public struct Piece: Sendable, Equatable {
        public var path: String
        public var durationSec: Double

        public init(path: String, durationSec: Double) {
            self.path = path
            self.durationSec = durationSec
        }
    }

    /// `init.mp4` of fMP4 recordings.
    public var initSegment: String?
    public var segments: [Piece]

    public init(initSegment: String?, segments: [Piece]) {
        self.initSegment = initSegment
        self.segments = segments
    }
}

/// Files read as one stream (an fMP4 init segment first when there is one).
public struct ExportInput: Sendable, Equatable {
    public var files: [String]
    /// Media before the keyframe at or before this many seconds after the input's first video
    /// frame is left out.
    public var startSec: Double?
    /// Media from this many seconds after the input's first video frame on is left out.
    public var endSec: Double?
    /// The previous input is the same recording and its timestamps continue into this one.
    public var continuesPrevious: Bool

    public init(files: [String], startSec: Double? = nil, endSec: Double? = nil, continuesPrevious: Bool = false) {
        self.files = files
        self.startSec = startSec
        self.endSec = endSec
        self.continuesPrevious = continuesPrevious
    }

    /// libavformat's concat protocol reads the files as one byte stream.
    var url: String {
        files.count == 1 ? files[0] : "concat:" + files.joined(separator: "|")
    }

    /// The demuxer to use without probing.
    var formatName: String {
        files.last?.hasSuffix(".ts") == true ? "mpegts" : "mp4"
    }
}
