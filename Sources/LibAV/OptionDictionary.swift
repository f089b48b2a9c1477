import CFFmpeg

/// Owns an `AVDictionary` of options handed to an open call. libav removes the entries it used,
/// so whatever is left afterwards was not recognised (mistyped names are otherwise ignored).
final class OptionDictionary {
    /// NULL is libav's empty dictionary, so this pointer is optional by nature.
    var pointer: OpaquePointer?

    init(_ entries: [(String, String)]) throws {
        for (key, value) in entries {
            let code = av_dict_set(&pointer, key, value, 0)
            if code < 0 { throw LibAVError.failed("av_dict_set", AVErrorCode(rawValue: code), "option \(key)") }
        }
    }

    deinit { av_dict_free(&pointer) }

    var keys: [String] {
        var names: [String] = []
        var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
        while let next = av_dict_get(pointer, "", entry, AV_DICT_IGNORE_SUFFIX) {
            names.append(String(cString: next.pointee.key))
            entry = next
        }
        return names
    }

    /// Throws when libav left options unused.
    func requireAllConsumed(by component: String) throws {
        let left = keys
        if !left.isEmpty { throw LibAVError.unrecognizedOptions(component: component, names: left) }
    }
}
