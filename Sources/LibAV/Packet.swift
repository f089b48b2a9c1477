import CFFmpeg

/// Owns one `AVPacket` (av_packet_alloc / av_packet_free), reused for every packet: `unref`
/// releases the payload after each use.
public final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    public init() throws {
        guard let packet = av_packet_alloc() else {
            throw LibAVError.failed("av_packet_alloc", .outOfMemory, "a packet")
        }
        pointer = packet
    }

    /// A packet holding a copy of `payload`.
    public convenience init(payload: [UInt8]) throws {
        try self.init()
        let code = av_new_packet(pointer, Int32(payload.count))
        if code < 0 { throw LibAVError.failed("av_new_packet", AVErrorCode(rawValue: code), "a \(payload.count)-byte packet") }
        if let data = pointer.pointee.data, !payload.isEmpty {
            _ = UnsafeMutableBufferPointer(start: data, count: payload.count).update(fromContentsOf: payload)
        }
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }

    public var streamIndex: Int32 {
        get { pointer.pointee.stream_index }
        set { pointer.pointee.stream_index = newValue }
    }

    public var isKeyframe: Bool {
        get { pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }
        set {
            if newValue { pointer.pointee.flags |= AV_PKT_FLAG_KEY } else { pointer.pointee.flags &= ~AV_PKT_FLAG_KEY }
        }
    }

    public var isCorrupt: Bool { pointer.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 }
    public var size: Int { Int(pointer.pointee.size) }

    /// Presentation time in the stream's time base; nil is AV_NOPTS_VALUE.
    public var pts: Int64? {
        get { pointer.pointee.pts == streamd_nopts_value() ? nil : pointer.pointee.pts }
        set { pointer.pointee.pts = newValue ?? streamd_nopts_value() }
    }

    /// Decoding time in the stream's time base; nil is AV_NOPTS_VALUE.
    public var dts: Int64? {
        get { pointer.pointee.dts == streamd_nopts_value() ? nil : pointer.pointee.dts }
        set { pointer.pointee.dts = newValue ?? streamd_nopts_value() }
    }

    /// 0 when unknown (libx264 leaves it so).
    public var duration: Int64 {
        get { pointer.pointee.duration }
        set { pointer.pointee.duration = newValue }
    }

    /// The payload bytes (a copy).
    public var payload: [UInt8] {
        guard let data = pointer.pointee.data, pointer.pointee.size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(pointer.pointee.size)))
    }

    /// Calls `body` with the payload without copying it.
    public func withPayload<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: pointer.pointee.data, count: Int(pointer.pointee.size)))
    }

    /// av_packet_rescale_ts: pts, dts and duration from one time base to another.
    public func rescaleTimestamps(from source: Rational, to destination: Rational) {
        av_packet_rescale_ts(pointer, source.av, destination.av)
    }

    /// Makes this packet a new reference to `other`'s payload and properties.
    public func reference(_ other: Packet) throws {
        av_packet_unref(pointer)
        let code = av_packet_ref(pointer, other.pointer)
        if code < 0 { throw LibAVError.failed("av_packet_ref", AVErrorCode(rawValue: code), "a packet") }
    }

    public func unref() { av_packet_unref(pointer) }
}
