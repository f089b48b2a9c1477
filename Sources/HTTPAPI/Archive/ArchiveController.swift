import Foundation
import Hummingbird
import Recorder
import Sessions

/// The archive's JSON: a session's segment rows, the devices, a device's timeline.
struct ArchiveController<Context: RequestContext>: Sendable {
    let manager: SessionManager

    func addRoutes(to router: Router<Context>) {
        router.get("/sessions/{id}/segments", use: sessionSegments)
        router.get("/devices", use: devices)
        router.get("/devices/{deviceId}/timeline", use: timeline)
    }

    @Sendable func sessionSegments(_ request: Request, context: Context) async throws -> Response {
        let id = try SessionController<Context>.sessionId(context)
        guard let segments = try await manager.segments(of: id) else { throw APIError(RecorderError.notFound(id)) }
        return try SessionController<Context>.json(SegmentListJSON(segments: segments.map(SegmentListJSON.Item.init)))
    }

    @Sendable func devices(_ request: Request, context: Context) async throws -> Response {
        let devices = try await manager.devices()
        return try SessionController<Context>.json(DeviceListJSON(devices: devices.map(DeviceListJSON.Item.init)))
    }

    @Sendable func timeline(_ request: Request, context: Context) async throws -> Response {
        let deviceId = try Self.deviceId(context)
        let window = try ArchiveWindow.parse(request.uri.queryParameters)
        let spans = try await manager.deviceSpans(deviceId, from: window.from, to: window.to)
        let detections = try await manager.detections(DetectionQuery(
            deviceId: deviceId, from: window.from, to: window.to, limit: TimelineJSON.maxDetections, order: .oldestFirst))
        return try SessionController<Context>.json(TimelineJSON(deviceId: deviceId, window: window, spans: spans, detections: detections))
    }

    /// A device id as sessions store it: 1 to 128 characters, no NUL.
    static func deviceId(_ context: Context) throws(APIError) -> String {
        guard let deviceId = context.parameters.get("deviceId"), (1...128).contains(deviceId.utf8.count),
              !deviceId.unicodeScalars.contains("\u{0}")
        else {
            throw APIError(.unprocessableContent, code: "invalid_device_id", "deviceId must be 1 to 128 characters without NUL bytes.")
        }
        return deviceId
    }
}
