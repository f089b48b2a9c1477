import Foundation
import LibAV

/// libavformat's HLS muxer writing `index.m3u8` and its segments into one directory: an EVENT
/// playlist while live, ENDLIST at the trailer; segments written to a temporary name first.
final class HLSWriter {
    let directory: URL
    let output: OutputFormatContext
    private var streamIndex: Int32?
    private var encoderTimeBase = Rational(1, 1)
    private var streamTimeBase = Rational(1, 1)
    private var trailerWritten = false
    /// Set once a write failed: the muxer is not fed more packets, only asked for its trailer.
    private(set) var hasFailed = false

    init(directory: URL) throws {
        self.directory = directory
        output = try OutputFormatContext(
            formatName: "hls", path: directory.appendingPathComponent(PlaylistFile.fileName).path)
    }

    var wantsGlobalHeader: Bool { output.wantsGlobalHeader }

    /// Adds the video stream of `encoder` and writes the header.
    func start(encoder: H264Encoder, segmentSeconds: Double, format: SegmentFormat) throws {
        let index = try output.addStream(for: encoder.context)
        let segmentExtension = format == .fmp4 ? "m4s" : "ts"
        var options = [
            ("hls_time", String(format: "%.3f", segmentSeconds)),
            ("hls_list_size", "0"),
            ("hls_playlist_type", "event"),
            ("hls_flags", "program_date_time+independent_segments+temp_file"),
            ("hls_segment_type", format.rawValue),
            ("hls_segment_filename", directory.appendingPathComponent("seg_%05d.\(segmentExtension)").path),
        ]
        if format == .fmp4 { options.append(("hls_fmp4_init_filename", "init.mp4")) }
        try output.writeHeader(options: options)
        // write_header may change the stream's time base: rescale to what it is now.
        streamIndex = index
        encoderTimeBase = encoder.timeBase
        streamTimeBase = try output.timeBase(ofStream: index)
    }

    /// Writes one encoded packet (timestamps in the encoder's time base, one frame long).
    func write(_ packet: Packet) throws {
        guard let streamIndex else { throw LibAVError.failed("av_interleaved_write_frame", .invalidArgument, "\(output.path) (header not written)") }
        // libx264 leaves duration 0; without it the muxer guesses and the last EXTINF is short.
        packet.duration = 1
        packet.rescaleTimestamps(from: encoderTimeBase, to: streamTimeBase)
        packet.streamIndex = streamIndex
        do {
            try output.write(packet)
        } catch {
            hasFailed = true
            throw error
        }
    }

    /// Writes the trailer: closes the last segment and appends ENDLIST. Once only.
    func finish() throws {
        guard streamIndex != nil, !trailerWritten else { return }
        trailerWritten = true
        try output.writeTrailer()
    }
}
