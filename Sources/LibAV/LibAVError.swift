/// A failed libav call, or a libav component that refused or lacked what was asked of it. Each
/// case carries the C code where there is one, its text, and what was being done to what.
public enum LibAVError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A libav call failed. `message` is av_strerror's text for `code`.
    case call(String, code: AVErrorCode, message: String, context: String)
    /// libav did not recognise these option names (mistyped options are otherwise silently ignored).
    case unrecognizedOptions(component: String, names: [String])
    /// FFmpeg was built without this encoder, decoder, muxer or input device.
    case componentMissing(kind: String, name: String)

    /// A `.call` error with av_strerror's text.
    public static func failed(_ call: String, _ code: AVErrorCode, _ context: String) -> LibAVError {
        .call(call, code: code, message: code.description, context: context)
    }

    /// The AVERROR code of a failed call.
    public var code: AVErrorCode? {
        if case let .call(_, code, _, _) = self { return code }
        return nil
    }

    public var posixErrno: Int32? { code?.posixErrno }

    public var description: String {
        switch self {
        case let .call(call, code, message, context):
            return "\(call) failed for \(context): \(message) (AVERROR \(code.rawValue))"
        case let .unrecognizedOptions(component, names):
            return "\(component) did not recognise the option(s) \(names.joined(separator: ", ")); check their spelling"
        case let .componentMissing(kind, name):
            return "This FFmpeg build has no \(kind) named \(name); install an FFmpeg with it (Debian: libavcodec-extra / libavdevice59)"
        }
    }
}
