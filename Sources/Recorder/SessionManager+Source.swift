import Foundation
import Media

extension SourceKind {
    /// The `source` column: what actually records, never `auto`.
    var name: String {
        switch self {
        case .testPattern: "testsrc"
        case .camera: "camera"
        }
    }

    var device: String? {
        if case .camera(let device, _) = self { return device }
        return nil
    }
}

extension SessionManager {
    /// `auto` takes the camera when its node exists (the seed's behaviour); `camera` insists and is refused
    /// up front, naming the device and the OS error, when the device is missing, busy or not a camera.
    func resolveSource(_ start: ValidatedStart) throws(RecorderError) -> SourceKind {
        switch start.source {
        case .testsrc:
            return .testPattern(filter: config.testPattern)
        case .auto where !CameraProbe.exists(start.device):
            return .testPattern(filter: config.testPattern)
        case .auto, .camera:
            if let owner = devicesInUse[start.device] {
                throw RecorderError(.conflict, code: "camera_busy", "The camera \(start.device) is recording session \(owner); close it first or use another device.")
            }
            do {
                try CameraProbe.check(device: start.device)
            } catch let error as MediaError {
                throw Self.cameraRefusal(error, device: start.device)
            } catch {
                throw RecorderError(.invalid, code: "camera_unavailable", "The camera \(start.device) cannot be used: \(error).")
            }
            return .camera(device: start.device, inputFormat: config.cameraInputFormat)
        case .publish, .pull:
            throw RecorderError(.invalid, code: "invalid_source", "\(start.source.rawValue) records by stream copy, not through capture.")
        }
    }

    static func cameraRefusal(_ error: MediaError, device: String) -> RecorderError {
        if case .deviceUnavailable(_, let code, _) = error, code == EBUSY {
            return RecorderError(.conflict, code: "camera_busy", "\(error.description) Another program holds it; stop that program or use another device.")
        }
        if case .deviceUnavailable(_, let code, _) = error, code == ENOTTY {
            return RecorderError(.invalid, code: "invalid_device", "\(error.description) Pass a camera such as /dev/video0, or use \"source\": \"testsrc\".")
        }
        return RecorderError(.invalid, code: "camera_unavailable", "\(error.description) Plug in a camera, pass another \"device\", or use \"source\": \"testsrc\".")
    }
}
