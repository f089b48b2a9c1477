import Foundation
import StreamdTestSupport

extension HLSPlaylist {
    /// Decodes every frame with ffprobe; returns the frame count, or throws with ffprobe's complaint.
    func decodedFrameCount() async throws -> Int {
        let result = try await ChildProcess.run("/usr/bin/env", [
            "ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0",
            directory.appendingPathComponent("index.m3u8").path,
        ], timeout: .seconds(60))
        guard result.status == 0, result.errors.isEmpty else {
            throw ServiceTestFailure("ffprobe on \(directory.path)/index.m3u8 exited \(result.status): \(result.errors)")
        }
        // One line per program or stream entry that ffprobe shows; they all name the same video stream.
        let counts = result.output.split(whereSeparator: \.isNewline).compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard let frames = counts.first else {
            throw ServiceTestFailure("ffprobe printed no frame count: \(result.output)")
        }
        return frames
    }
}
