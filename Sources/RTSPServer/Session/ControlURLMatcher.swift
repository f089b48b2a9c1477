/// Finds the track a SETUP is for. ffmpeg announces `a=control:streamid=N` (relative to the
/// ANNOUNCE URL, query included), GStreamer `stream=N` (put before the query:
/// `/gst-1/stream=0?deviceId=a`); others send absolute URLs.
enum ControlURLMatcher {
    static func track(forSetup setupURI: String, announceURI: String, tracks: [AnnouncedTrack]) -> AnnouncedTrack? {
        let setupPath = trimmedSlash(RTSPURL(setupURI)?.pathAndQuery ?? setupURI)
        let basePath = trimmedSlash(RTSPURL(announceURI)?.pathAndQuery ?? announceURI)
        let setupPathOnly = RTSPURL(setupURI).map { trimmedSlash($0.path) }
        let basePathOnly = RTSPURL(announceURI).map { trimmedSlash($0.path) }
        for candidate in tracks {
            let control = candidate.track.controlURL
            if control.contains("://") {
                if let absolute = RTSPURL(control), trimmedSlash(absolute.pathAndQuery) == setupPath { return candidate }
            } else if control.hasPrefix("/") {
                if trimmedSlash(control) == setupPath { return candidate }
            } else if setupPath == basePath + "/" + control || setupPath.hasSuffix("/" + control)
                        || (setupPathOnly != nil && setupPathOnly == basePathOnly.map { $0 + "/" + control }) {
                return candidate
            }
        }
        // A single track with control "*" (or none) is set up on the ANNOUNCE URL itself.
        if tracks.count == 1, let only = tracks.first, setupPath == basePath { return only }
        return nil
    }

    private static func trimmedSlash(_ text: String) -> String {
        var result = Substring(text)
        while result.count > 1, result.hasSuffix("/") { result.removeLast() }
        return String(result)
    }
}
