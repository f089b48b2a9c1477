import Foundation
import Hummingbird
import Recorder
import Sessions

/// `GET|HEAD /sessions/{id}/export.mp4?start=&duration=` and `/devices/{deviceId}/export.mp4?from=&to=`:
/// a range as one MP4, remuxed once and served from the export cache with ETag and byte ranges.
/// Resolving the request to an `ExportJob` comes first and is all that needs the database, so a
/// redirect to the owning node (§12) fits in front of `serve`.
struct ExportController<Context: RequestContext>: Sendable {
    let manager: SessionManager
    /// Behind a read token: shared caches must not keep what only token holders may see.
    let isPrivate: Bool
    let fileIO = FileIO()

    func addRoutes(to router: Router<Context>) {
        router.get("/sessions/{id}/export.mp4", use: sessionExport)
        router.head("/sessions/{id}/export.mp4", use: sessionExport)
        router.get("/devices/{deviceId}/export.mp4", use: deviceExport)
        router.head("/devices/{deviceId}/export.mp4", use: deviceExport)
    }

    @Sendable func sessionExport(_ request: Request, context: Context) async throws -> Response {
        let id = try SessionController<Context>.sessionId(context)
        let query = request.uri.queryParameters
        let start = try Self.seconds(query.get("start"), name: "start") ?? 0
        let duration = try Self.seconds(query.get("duration"), name: "duration")
        if let duration, duration <= 0 {
            throw APIError(.unprocessableContent, code: "invalid_duration", "duration must be a number of seconds above 0.")
        }
        let job = try await manager.sessionExportJob(id, startSec: start, durationSec: duration)
        let range = duration.map { "\(Self.compact(start))-\(Self.compact(start + $0))s" } ?? "\(Self.compact(start))s-end"
        return try await serve(job, request: request, context: context, fileName: "\(id)_\(range).mp4")
    }

    @Sendable func deviceExport(_ request: Request, context: Context) async throws -> Response {
        let deviceId = try ArchiveController<Context>.deviceId(context)
        let window = try ArchiveWindow.parse(request.uri.queryParameters)
        let job = try await manager.deviceExportJob(deviceId, from: window.from, to: window.to)
        let name = "\(Self.fileNameSafe(deviceId))_\(Self.compact(window.from))-\(Self.compact(window.to)).mp4"
        return try await serve(job, request: request, context: context, fileName: name)
    }

    func serve(_ job: ExportJob, request: Request, context: Context, fileName: String) async throws -> Response {
        let etag = "\"\(job.key)\""
        var headers: HTTPFields = [
            .contentType: "video/mp4", .acceptRanges: "bytes", .eTag: etag,
            .cacheControl: "\(isPrivate ? "private" : "public"), no-cache",
            .contentDisposition: "attachment; filename=\"\(fileName)\"",
        ]
        // The key names the exact segments and range, so a matching ETag needs no remux.
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) {
            return Response(status: .notModified, headers: headers)
        }
        let file = try await manager.export(job)
        let size = Int(file.bytes)
        let isHead = request.method == .head
        switch ByteRange(header: request.headers[.range], size: size) {
        case .unsatisfiable:
            throw APIError(.rangeNotSatisfiable, code: "range_not_satisfiable", "The requested range is outside the export (\(size) bytes).",
                           headers: [.contentRange: "bytes */\(size)"])
        case .whole:
            headers[.contentLength] = String(size)
            if isHead || size == 0 { return Response(status: .ok, headers: headers) }
            return Response(status: .ok, headers: headers, body: try await fileIO.loadFile(path: file.path, context: context))
        case .partial(let range):
            headers[.contentLength] = String(range.count)
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            if isHead { return Response(status: .partialContent, headers: headers) }
            return Response(status: .partialContent, headers: headers, body: try await fileIO.loadFile(path: file.path, range: range, context: context))
        }
    }

    /// A non-negative finite number of seconds, or nil when absent.
    static func seconds(_ text: String?, name: String) throws(APIError) -> Double? {
        guard let text else { return nil }
        guard let value = Double(text), text.utf8.count <= 32 else {
            throw APIError.badRequest("wrong_type", "\(name) must be a number of seconds, such as 12.5.")
        }
        guard value.isFinite, value >= 0, value <= 10 * Defaults.maxDurationSec else {
            throw APIError(.unprocessableContent, code: "invalid_\(name)", "\(name) must be a number of seconds from 0 to \(Int(10 * Defaults.maxDurationSec)).")
        }
        return value
    }

    /// `12`, `12.5`: seconds for a file name.
    static func compact(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int64(seconds)) : String(format: "%.3f", seconds)
    }

    /// `20261130T100000Z`.
    static func compact(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// A device id as a file name: letters, digits, `-`, `_` and `.` kept, the rest `_`.
    static func fileNameSafe(_ text: String) -> String {
        String(text.unicodeScalars.prefix(64).map { scalar in
            CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "-_.".unicodeScalars.contains(scalar) ? Character(scalar) : "_"
        })
    }
}
