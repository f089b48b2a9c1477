import CFFmpeg
import Foundation

/// libavformat's HLS muxer writing `index.m3u8` and its segments into one directory: an EVENT
/// playlist while live, ENDLIST at the trailer; segments written to a temporary name first.
final class HLSWriter {
    let directory: URL
    let output: OutputFormatContext
    private var stream: UnsafeMutablePointer<AVStream>?
    private var encoderTimeBase = AVRational(num: 1, den: 1)
    private var streamTimeBase = AVRational(num: 1, den: 1)
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
        let stream = try output.addStream(for: encoder.context)
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
        self.stream = stream
        encoderTimeBase = encoder.timeBase
        streamTimeBase = stream.pointee.time_base
    }

    /// Writes one encoded packet (timestamps in the encoder's time base, one frame long).
    func write(_ packet: Packet) throws {
        guard let stream else { throw MediaError.libav("av_interleaved_write_frame", streamd_averror(EINVAL), "\(output.path) (header not written)") }
        // libx264 leaves duration 0; without it the muxer guesses and the last EXTINF is short.
        packet.pointer.pointee.duration = 1
        av_packet_rescale_ts(packet.pointer, encoderTimeBase, streamTimeBase)
        packet.pointer.pointee.stream_index = stream.pointee.index
        do {
            try output.write(packet)
        } catch {
            hasFailed = true
            throw error
        }
    }

    /// Writes the trailer: closes the last segment and appends ENDLIST. Once only.
    func finish() throws {
        guard stream != nil, !trailerWritten else { return }
        trailerWritten = true
        try output.writeTrailer()
    }
}
