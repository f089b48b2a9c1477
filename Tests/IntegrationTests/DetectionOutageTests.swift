import Foundation
import StreamdTestSupport
import Testing

/// Detections need the database: while it is down the POST answers 503 `database_unavailable` with
/// `Retry-After`, and the detector's retry with the same ids lands every item once after it returns.
@Suite(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct DetectionOutageTests {
    @Test func aPostDuringAnOutageIs503WithRetryAfterAndTheRetryLandsOnce() async throws {
        try await PrivateCluster.with { cluster in
            let root = try ServiceTestEnvironment.scratchDirectory("streamd-detections-outage")
            defer { ServiceTestEnvironment.removeScratch(root) }
            try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
            _ = try await ChildProcess.psql(cluster.conninfo, "CREATE DATABASE outage")
            let storage = ServiceStorage(root: root, database: "outage", serverConninfo: cluster.conninfo)
            try await ServiceDaemon.with(storage: storage, config: ServiceDaemon.smallConfig) { daemon in
                let recorded = try await DetectionTests.recordSession(daemon, deviceId: "cam-outage")
                let body = DetectionTests.batch(recorded, count: 500, prefix: "o")

                try await cluster.stop()
                let refused = try await DetectionTests.post(daemon, recorded.id, body)
                #expect(refused.status == 503, "\(refused.body)")
                #expect(refused.errorCode == "database_unavailable", "\(refused.body)")
                #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 > 0, "\(refused.headers)")

                try await cluster.resume()
                let landed = try await Eventually.value("the retry to land", timeout: .seconds(60), interval: .milliseconds(500)) { () -> Curl.Reply? in
                    let reply = try await DetectionTests.post(daemon, recorded.id, body)
                    return reply.status == 201 ? reply : nil
                }
                #expect(try landed.json()["inserted"] as? Int == 500)
                let again = try await DetectionTests.post(daemon, recorded.id, body)
                #expect(try again.json()["inserted"] as? Int == 0)
                #expect(try await DetectionTests.count(storage, recorded.id) == 500)
            }
        }
    }
}
