import CFFmpeg

/// Process-wide libav set-up, done once.
public enum MediaLibrary {
    /// avdevice_register_all() must run before looking up "lavfi" or "v4l2".
    private static let devicesRegistered: Bool = {
        avdevice_register_all()
        return true
    }()

    public static func registerDevices() {
        _ = devicesRegistered
    }
}
