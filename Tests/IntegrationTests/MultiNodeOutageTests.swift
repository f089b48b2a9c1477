import Foundation
import StreamdTestSupport
import Testing

/// A node may start while the database is down (§12): it records anyway, and takes its node lock —
/// then finalizes what an earlier run left `recording` — once the database returns.
@Suite(.serialized, .enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct MultiNodeOutageTests {
    @Test func aNodeStartedDuringAnOutageTakesItsLockWhenTheDatabaseReturns() async throws {
        try await PrivateCluster.with { cluster in
            let root = try ServiceTestEnvironment.scratchDirectory("streamd-node-outage")
            defer { ServiceTestEnvironment.removeScratch(root) }
            try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
            _ = try await ChildProcess.psql(cluster.conninfo, "CREATE DATABASE outage")
            let storage = ServiceStorage(root: root, database: "outage", serverConninfo: cluster.conninfo)
            let environment = ["STREAMD_NODE_ID": "node-a"]

            let first = try ServiceDaemon.launch(storage: storage, config: MultiNodeTests.config, environment: environment)
            let id: String
            do {
                try await first.waitUntilHealthy()
                id = try await first.startTestPattern()
                try await first.waitForSegments(id, atLeast: 2)
                // The row says recording in the database before the crash.
                try await Eventually.until("the row to say recording", timeout: .seconds(30)) {
                    try await storage.statusInDatabase(id) == "recording"
                }
                first.send(SIGKILL)
                _ = try await first.waitForExit(timeout: .seconds(10))
            } catch {
                await first.stop()
                print("first run stderr:\n\(first.tail())")
                throw error
            }

            try await cluster.stop()
            try await ServiceDaemon.with(storage: storage, config: MultiNodeTests.config, environment: environment) { second in
                // Serving without its database: the lock waits, the session is left as the database has it.
                #expect(try await second.request("GET", "/healthz").status == 200)
                try await cluster.resume()
                try await Eventually.until("the late recovery to finalize \(id)", timeout: .seconds(90), interval: .milliseconds(500)) {
                    (try? await storage.statusInDatabase(id)) == "interrupted"
                }
                #expect(try HLSPlaylist(directory: storage.recording(id)).hasEndList)
                let nodes = try await Eventually.value("node-a in GET /nodes", timeout: .seconds(30), interval: .milliseconds(250)) {
                    () async throws -> [[String: Any]]? in
                    let listed = try await second.request("GET", "/nodes").object()["nodes"] as? [[String: Any]] ?? []
                    return listed.isEmpty ? nil : listed
                }
                #expect(nodes.first?["node_id"] as? String == "node-a" && nodes.first?["alive"] as? Bool == true)
                #expect(second.standardError.contains("node lock taken"), "\(second.tail())")
            }
        }
    }
}
