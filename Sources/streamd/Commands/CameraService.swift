import Logging
import Recorder
import ServiceLifecycle

/// Records every `record: always` camera of the config for as long as the daemon runs. A camera
/// whose source cannot be opened, or whose pull ended (a close, a failure), is started again with
/// the pull's backoff: 1 s doubling to 30 s. On graceful shutdown the recorder's shutdown ends the
/// running sessions (`interrupted`, like every recording), and no camera starts again. A camera's
/// `recordCamera` is never cancelled from here: it must stay to register a session its pull rolls into.
struct CameraService: Service {
    let manager: SessionManager
    let cameras: [ConfiguredCamera]
    let logger: Logger

    func run() async throws {
        let always = cameras.filter { $0.record == .always }
        await withDiscardingTaskGroup { group in
            for camera in always {
                group.addTask { await record(camera) }
            }
            // Listed before the recorder, this service is told to stop after the recorder has
            // finalized every session: the cameras' loops then see the shutdown and end.
            try? await gracefulShutdown()
        }
    }

    private func record(_ camera: ConfiguredCamera) async {
        var logger = logger
        logger[metadataKey: "device_id"] = "\(camera.deviceId)"
        logger[metadataKey: "source_url"] = "\(camera.url.redacted)"
        logger.info("camera records always")
        var delay = 1.0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let began = ContinuousClock.now
            do {
                try await manager.recordCamera(camera)
                logger.notice("the camera's recording ended; starting it again", metadata: ["retry_in_sec": "\(delay)"])
            } catch {
                logger.warning("the camera cannot record now", metadata: ["error": "\(error.message)", "retry_in_sec": "\(delay)"])
            }
            // A camera that recorded a while starts over quickly; one that keeps failing backs off.
            if ContinuousClock.now - began > .seconds(60) { delay = 1 }
            // In steps, so a shutdown is seen within a second.
            for _ in 0..<Int(delay) where !Task.isShuttingDownGracefully {
                do {
                    try await Task.sleep(for: .seconds(1))
                } catch {
                    return
                }
            }
            delay = min(delay * 2, 30)
        }
    }
}
