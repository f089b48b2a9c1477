import CFFmpeg

/// Owns one `AVCodecParameters` (avcodec_parameters_alloc / avcodec_parameters_free): what a
/// stream carries, copied out of a demuxer or an encoder, or built by hand for stream copy.
public final class CodecParameters {
    let pointer: UnsafeMutablePointer<AVCodecParameters>

    public init() throws {
        guard let parameters = avcodec_parameters_alloc() else {
            throw LibAVError.failed("avcodec_parameters_alloc", .outOfMemory, "codec parameters")
        }
        pointer = parameters
    }

    convenience init(copying source: UnsafePointer<AVCodecParameters>) throws {
        try self.init()
        let code = avcodec_parameters_copy(pointer, source)
        if code < 0 { throw LibAVError.failed("avcodec_parameters_copy", AVErrorCode(rawValue: code), "codec parameters") }
    }

    /// What an opened encoder produces.
    public convenience init(encoder: CodecContext) throws {
        try self.init()
        let code = avcodec_parameters_from_context(pointer, encoder.pointer)
        if code < 0 { throw LibAVError.failed("avcodec_parameters_from_context", AVErrorCode(rawValue: code), encoder.name) }
    }

    deinit {
        var parameters: UnsafeMutablePointer<AVCodecParameters>? = pointer
        avcodec_parameters_free(&parameters)
    }

    public func copy() throws -> CodecParameters { try CodecParameters(copying: pointer) }

    public var mediaType: MediaType {
        get { MediaType(pointer.pointee.codec_type) }
        set { pointer.pointee.codec_type = newValue.av }
    }

    public var codecID: CodecID {
        get { CodecID(pointer.pointee.codec_id) }
        set { pointer.pointee.codec_id = newValue.av }
    }

    public var width: Int32 {
        get { pointer.pointee.width }
        set { pointer.pointee.width = newValue }
    }

    public var height: Int32 {
        get { pointer.pointee.height }
        set { pointer.pointee.height = newValue }
    }

    /// The pixel format of a video stream.
    public var pixelFormat: PixelFormat { PixelFormat(rawValue: pointer.pointee.format) }

    public var sampleRate: Int32 {
        get { pointer.pointee.sample_rate }
        set { pointer.pointee.sample_rate = newValue }
    }

    public var channelCount: Int32 { pointer.pointee.ch_layout.nb_channels }

    /// The codec profile (for AAC: the audio object type minus one; FF_PROFILE_UNKNOWN is -99).
    public var profile: Int32 { pointer.pointee.profile }

    /// The default layout for `count` channels (mono, stereo, …).
    public func setChannelCount(_ count: Int32) {
        av_channel_layout_uninit(&pointer.pointee.ch_layout)
        av_channel_layout_default(&pointer.pointee.ch_layout, count)
    }

    /// A container's codec tag means nothing in another container: cleared before muxing a copy.
    public func clearCodecTag() { pointer.pointee.codec_tag = 0 }

    /// The codec's out-of-band configuration (avcC/hvcC or Annex-B parameter sets,
    /// AudioSpecificConfig).
    public var extradata: [UInt8] {
        get {
            guard let data = pointer.pointee.extradata, pointer.pointee.extradata_size > 0 else { return [] }
            return Array(UnsafeBufferPointer(start: data, count: Int(pointer.pointee.extradata_size)))
        }
    }

    /// Replaces the extradata (libav wants it padded with zeroed bytes).
    public func setExtradata(_ bytes: [UInt8]) throws {
        av_freep(&pointer.pointee.extradata)
        pointer.pointee.extradata_size = 0
        guard !bytes.isEmpty else { return }
        guard let buffer = av_mallocz(bytes.count + Int(AV_INPUT_BUFFER_PADDING_SIZE)) else {
            throw LibAVError.failed("av_mallocz", .outOfMemory, "\(bytes.count) bytes of extradata")
        }
        let typed = buffer.assumingMemoryBound(to: UInt8.self)
        _ = UnsafeMutableBufferPointer(start: typed, count: bytes.count).update(fromContentsOf: bytes)
        pointer.pointee.extradata = typed
        pointer.pointee.extradata_size = Int32(bytes.count)
    }
}
