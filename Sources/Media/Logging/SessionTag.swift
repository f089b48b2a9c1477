import Foundation

/// The session id of the pipeline running on the current thread, for tagging FFmpeg's log lines
/// (libav's log callback has no other way to know which recording a line is about).
enum SessionTag {
    private final class Box {
        let value: String
        init(_ value: String) { self.value = value }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<AnyObject>.fromOpaque(pointer).release() }
        }
        return key
    }()

    static var current: String? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        return (Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue() as? Box)?.value
    }

    /// Tags the current thread (nil removes the tag).
    static func set(_ session: String?) {
        if let old = pthread_getspecific(key) {
            Unmanaged<AnyObject>.fromOpaque(old).release()
        }
        let box = session.map { Unmanaged<AnyObject>.passRetained(Box($0)).toOpaque() }
        pthread_setspecific(key, box)
    }
}
