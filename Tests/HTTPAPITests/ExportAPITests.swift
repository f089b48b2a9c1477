import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Media
import Recorder
import StreamdTestSupport
import Testing

@Suite("archive: MP4 exports of a session range and a device window")
struct ExportAPITests {
    func record(_ client: any TestClientProtocol, id: String, device: String, seconds: Int, width: Int = 160) async throws {
        let created = try await client.send(
            .post, "/sessions",
            json: #"{"sessionId":"\#(id)","deviceId":"\#(device)","source":"testsrc","durationSec":\#(seconds),"width":\#(width),"height":120}"#)
        #expect(created.status == .created)
        try await Eventually.until("\(id) to complete", timeout: .seconds(90)) {
            try await client.send(.get, "/sessions/\(id)").json["status"] as? String == "completed"
        }
    }

    @Test func aSessionRangeIsOneFaststartMP4WithRanges() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            try await record(client, id: "exp-range", device: "cam-exp", seconds: 5)
            let path = "/sessions/exp-range/export.mp4?start=1&duration=2"
            let response = try await client.send(.get, path)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "video/mp4")
            #expect(response.headers[.acceptRanges] == "bytes")
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"exp-range_1-3s.mp4\"")
            let etag = try #require(response.headers[.eTag])
            let bytes = Array(buffer: response.body)
            #expect(response.headers[.contentLength] == String(bytes.count))

            // moov before mdat, so players start before the whole file is in.
            let boxes = Self.topLevelBoxes(bytes)
            let moov = try #require(boxes.firstIndex(of: "moov")), mdat = try #require(boxes.firstIndex(of: "mdat"))
            #expect(moov < mdat, "boxes \(boxes)")

            // 2 s from a keyframe at or before 1 s: 2 s, plus at most one GOP (a segment, 2 s here).
            let file = daemon.dataDirectory.appendingPathComponent("range.mp4")
            try Data(bytes).write(to: file)
            let duration = try ArchiveAPITests.ffprobeDuration(file)
            #expect(duration >= 1.9 && duration <= 4.1, "ffprobe says \(duration) s")
            let decoded = try MediaProbe.probe(file)
            #expect(decoded.firstVideoPacketIsKeyframe && decoded.decodeErrors == 0 && decoded.framesDecoded > 0)

            let partial = try await client.send(.get, path, headers: [.range: "bytes=0-99"])
            #expect(partial.status == .partialContent)
            #expect(Array(buffer: partial.body) == Array(bytes[0..<100]))
            #expect(partial.headers[.contentRange] == "bytes 0-99/\(bytes.count)")
            let past = try await client.send(.get, path, headers: [.range: "bytes=\(bytes.count)-"])
            #expect(past.status == .rangeNotSatisfiable)
            #expect(past.headers[.contentRange] == "bytes */\(bytes.count)")

            let head = try await client.send(.head, path)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            #expect(head.headers[.contentLength] == String(bytes.count) && head.headers[.eTag] == etag)
            let unchanged = try await client.send(.get, path, headers: [.ifNoneMatch: etag])
            #expect(unchanged.status == .notModified)
            // Every request after the first was served from the cache.
            #expect(await daemon.manager.exports.remuxCount == 1)
            let cached = try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory.appendingPathComponent("exports").path)
            #expect(cached == [etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) + ".mp4"])
        }
    }

    @Test func twoSessionsWithAGapExportAsTheSumOfTheirDurations() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let started = Date()
            try await record(client, id: "exp-gap-1", device: "cam-gap", seconds: 2)
            try await Task.sleep(for: .seconds(2))
            try await record(client, id: "exp-gap-2", device: "cam-gap", seconds: 2)
            var listed = 0.0
            for id in ["exp-gap-1", "exp-gap-2"] {
                let rows = try #require(try await client.send(.get, "/sessions/\(id)/segments").json["segments"] as? [[String: Any]])
                listed += rows.compactMap { $0["duration_sec"] as? Double }.reduce(0, +)
            }
            let from = started.addingTimeInterval(-5).epochMilliseconds, to = Date().addingTimeInterval(1).epochMilliseconds
            let response = try await client.send(.get, "/devices/cam-gap/export.mp4?from=\(from)&to=\(to)")
            #expect(response.status == .ok)
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"cam-gap_") == true)
            let file = daemon.dataDirectory.appendingPathComponent("device.mp4")
            try Data(Array(buffer: response.body)).write(to: file)
            let duration = try ArchiveAPITests.ffprobeDuration(file)
            // The gap between the sessions is skipped: the export lasts what was recorded.
            #expect(abs(duration - listed) < 0.3, "ffprobe \(duration) s, segments \(listed) s")
            let decoded = try MediaProbe.probe(file)
            #expect(decoded.decodeErrors == 0 && abs(decoded.mediaSeconds - listed) < 0.3)
        }
    }

    @Test func identicalRequestsAtOnceShareOneRemux() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            try await record(client, id: "exp-flight", device: "cam-flight", seconds: 4)
            let tags = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let response = try await client.send(.get, "/sessions/exp-flight/export.mp4?start=0.5")
                        return response.status == .ok ? response.headers[.eTag] : nil
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(tags.count == 4 && Set(tags).count == 1 && tags.allSatisfy { $0 != nil })
            #expect(await daemon.manager.exports.remuxCount == 1)
        }
    }

    @Test func theCacheEvictsTheLeastRecentlyUsedBeyondItsCap() async throws {
        // A cap below one export: each new export keeps only itself.
        let daemon = try TestDaemon { $0.exportCacheBytes = 1024 }
        try await daemon.test { client in
            try await record(client, id: "exp-lru", device: "cam-lru", seconds: 4)
            let first = try await client.send(.get, "/sessions/exp-lru/export.mp4?duration=2")
            let second = try await client.send(.get, "/sessions/exp-lru/export.mp4?start=2")
            #expect(first.status == .ok && second.status == .ok)
            let firstKey = try #require(first.headers[.eTag]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let secondKey = try #require(second.headers[.eTag]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            #expect(firstKey != secondKey)
            #expect(await daemon.manager.exports.keys == [secondKey])
            let directory = daemon.dataDirectory.appendingPathComponent("exports").path
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["\(secondKey).mp4"])
            // Asked again, the evicted one is remuxed again.
            #expect(try await client.send(.get, "/sessions/exp-lru/export.mp4?duration=2").status == .ok)
            #expect(await daemon.manager.exports.remuxCount == 3)
            // Deleting the session drops its exports.
            #expect(try await client.send(.delete, "/sessions/exp-lru").status == .noContent)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        }
    }

    @Test func changedCodecParametersAnswer422() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let started = Date()
            try await record(client, id: "exp-small", device: "cam-sizes", seconds: 2, width: 160)
            try await record(client, id: "exp-large", device: "cam-sizes", seconds: 2, width: 320)
            let from = started.addingTimeInterval(-5).epochMilliseconds, to = Date().addingTimeInterval(1).epochMilliseconds
            let response = try await client.send(.get, "/devices/cam-sizes/export.mp4?from=\(from)&to=\(to)")
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "incompatible_segments")
            #expect(try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory.appendingPathComponent("exports").path).isEmpty)
        }
    }

    @Test func badRangesAndMissingRecordingsAnswerTheContractsErrors() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            #expect(try await client.send(.get, "/sessions/exp-none/export.mp4").errorCode == "session_not_found")
            #expect(try await client.send(.get, "/devices/cam-none/export.mp4?from=2026-11-30T10:00:00Z&to=2026-11-30T11:00:00Z").errorCode == "no_recording")
            let reversed = try await client.send(.get, "/devices/cam-none/export.mp4?from=2026-11-30T10:00:00Z&to=2026-11-30T09:00:00Z")
            #expect(reversed.status == .unprocessableContent && reversed.errorCode == "invalid_range")
            let long = try await client.send(.get, "/devices/cam-none/export.mp4?from=2026-11-01T00:00:00Z&to=2026-11-30T00:00:00Z")
            #expect(long.status == .unprocessableContent && long.errorCode == "range_too_long")
            try await record(client, id: "exp-bad", device: "cam-bad", seconds: 2)
            #expect(try await client.send(.get, "/sessions/exp-bad/export.mp4?start=abc").status == .badRequest)
            #expect(try await client.send(.get, "/sessions/exp-bad/export.mp4?start=-1").errorCode == "invalid_start")
            #expect(try await client.send(.get, "/sessions/exp-bad/export.mp4?duration=0").errorCode == "invalid_duration")
            #expect(try await client.send(.get, "/sessions/exp-bad/export.mp4?start=nan").errorCode == "invalid_start")
            let beyond = try await client.send(.get, "/sessions/exp-bad/export.mp4?start=60")
            #expect(beyond.status == .notFound && beyond.errorCode == "no_recording")
            #expect(await daemon.manager.exports.remuxCount == 0)
        }
    }

    @Test func fragmentedMP4RecordingsExportToo() async throws {
        let daemon = try TestDaemon { $0.segmentFormat = .fmp4 }
        try await daemon.test { client in
            try await record(client, id: "exp-fmp4", device: "cam-fmp4", seconds: 4)
            let response = try await client.send(.get, "/sessions/exp-fmp4/export.mp4?start=1&duration=2")
            #expect(response.status == .ok)
            let file = daemon.dataDirectory.appendingPathComponent("fmp4.mp4")
            try Data(Array(buffer: response.body)).write(to: file)
            let duration = try ArchiveAPITests.ffprobeDuration(file)
            #expect(duration >= 1.9 && duration <= 4.1, "ffprobe says \(duration) s")
            #expect(try MediaProbe.probe(file).decodeErrors == 0)
        }
    }

    /// The four-character types of an MP4's top-level boxes, in order.
    static func topLevelBoxes(_ bytes: [UInt8]) -> [String] {
        var types: [String] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            var size = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            types.append(String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self))
            if size == 1, offset + 16 <= bytes.count {
                size = bytes[offset + 8..<offset + 16].reduce(0) { $0 << 8 | Int($1) }
            } else if size == 0 {
                size = bytes.count - offset
            }
            guard size >= 8 else { break }
            offset += size
        }
        return types
    }
}
