import Foundation
import LibAV

/// What an export wrote.
public struct ExportSummary: Sendable, Equatable {
    /// Seconds of media in the file (the end of its last packet).
    public var mediaSeconds: Double
    public var bytes: Int64
    public var videoPackets: Int
    public var audioPackets: Int
}

/// Remuxes an `ExportPlan` into one MP4 (stream copy, `moov` before `mdat`).
public enum MP4Export {
    /// Writes `plan` to `path` on a dedicated thread (libav blocks; the cooperative pool must not).
    public static func write(_ plan: ExportPlan, to path: String) async throws -> ExportSummary {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ExportSummary, any Error>) in
            let thread = Thread {
                do {
                    continuation.resume(returning: try writeBlocking(plan, to: path))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "streamd-export"
            thread.start()
        }
    }

    /// The POSIX errno behind a failed export (ENOENT: a segment vanished; ENOSPC: the disk is full).
    public static func posixErrno(of error: any Error) -> Int32? { Media.posixErrno(of: error) }

    /// Writes `plan` to `path` on the calling thread.
    /// `moov` goes first without a second pass: space for it is reserved at the start (sized from
    /// the plan's duration, a `free` box keeps the rest). Only when that estimate is short is the
    /// file written again with `+faststart`, which moves `moov` forward by rewriting the whole file.
    public static func writeBlocking(_ plan: ExportPlan, to path: String) throws -> ExportSummary {
        do {
            return try write(plan, to: path, reservingMoovFor: plan.mediaSeconds > 0 ? plan.mediaSeconds : nil)
        } catch let error as LibAVError where MP4Remuxer.isReservedMoovTooSmall(error) {
            return try write(plan, to: path, reservingMoovFor: nil)
        }
    }

    private static func write(_ plan: ExportPlan, to path: String, reservingMoovFor seconds: Double?) throws -> ExportSummary {
        let remuxer = try MP4Remuxer(path: path, reserveMoovForSeconds: seconds)
        for input in plan.inputs { try remuxer.append(input) }
        return try remuxer.finish()
    }
}
