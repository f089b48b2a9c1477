import CFFmpeg

/// What a stream carries (`AVMediaType`), for the kinds streamd handles.
public enum MediaType: Sendable, Equatable {
    case video
    case audio
    case other

    init(_ type: AVMediaType) {
        switch type {
        case AVMEDIA_TYPE_VIDEO: self = .video
        case AVMEDIA_TYPE_AUDIO: self = .audio
        default: self = .other
        }
    }

    var av: AVMediaType {
        switch self {
        case .video: return AVMEDIA_TYPE_VIDEO
        case .audio: return AVMEDIA_TYPE_AUDIO
        case .other: return AVMEDIA_TYPE_UNKNOWN
        }
    }
}
