import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import Recorder
import Sessions
import Store
import StreamdTestSupport
import Testing

/// §12 behind the real router, on in-memory repositories: another node's session is answered from the
/// database where the database holds the answer, and redirected to its owner where only the owner can.
@Suite("fleet: redirects to the owner, GET /nodes, node origins")
struct FleetRoutingTests {
    static let otherId = "sess-elsewhere"

    func withFleet(_ body: @escaping @Sendable (any TestClientProtocol, TestDaemon) async throws -> Void) async throws {
        let daemon = try TestDaemon()
        let now = Date(epochMilliseconds: Date().epochMilliseconds)
        try await daemon.repository.create(Session(
            sessionId: Self.otherId, deviceId: "cam-b", streamPath: Self.otherId, status: .completed, source: "testsrc",
            playlistUrl: "http://b.test:8080/\(Self.otherId)/index.m3u8", node: "node-b", createdAt: now, updatedAt: now))
        let nodes = InMemoryNodeRepository()
        try await nodes.heartbeat(nodeId: "node-b", publicURL: "http://b.test:8080/", version: "x", startedAt: now)
        try await nodes.heartbeat(nodeId: "test-node", publicURL: "http://test.local", version: "x", startedAt: now)
        let fleet = FleetDirectory(nodeId: "test-node", publicURL: "http://test.local", repository: nodes)
        _ = try await fleet.nodes()
        let app = Application(router: buildRouter(manager: daemon.manager, config: daemon.http, registry: sharedRegistry, fleet: fleet))
        try await app.test(.router) { client in try await body(client, daemon) }
        await daemon.manager.shutdown()
        try? FileManager.default.removeItem(at: daemon.dataDirectory)
    }

    @Test func ownerOnlyRequestsAnswer307ToTheOwnerWithPathAndQuery() async throws {
        try await withFleet { client, _ in
            let id = Self.otherId
            for (method, path) in [
                (HTTPRequest.Method.get, "/\(id)/index.m3u8?token=t&x=1"), (.head, "/\(id)/seg_00001.ts"),
                (.post, "/sessions/\(id)/close"), (.delete, "/sessions/\(id)"),
                (.get, "/sessions/\(id)/export.mp4?start=3&duration=10"), (.get, "/sessions/\(id)/thumbnails.vtt"),
            ] {
                let response = try await client.send(method, path)
                #expect(response.status == .temporaryRedirect, "\(method) \(path) answered \(response.status)")
                #expect(response.headers[.location] == "http://b.test:8080" + path)
            }
        }
    }

    @Test func whatTheDatabaseHoldsIsAnsweredHere() async throws {
        try await withFleet { client, _ in
            let session = try await client.send(.get, "/sessions/\(Self.otherId)")
            #expect(session.status == .ok)
            #expect(session.json["node"] as? String == "node-b")
            #expect(try await client.send(.get, "/sessions?limit=5").status == .ok)
            // Nobody's session, and a file of a session of this node that is missing: 404, no redirect.
            #expect(try await client.send(.get, "/sess-nobody/index.m3u8").status == .notFound)
            #expect(try await client.send(.delete, "/sessions/sess-nobody").status == .notFound)
            #expect(try await client.send(.get, "/sessions/\(Self.otherId)/nothing").status == .notFound)
        }
    }

    @Test func localSessionsAreServedWithoutRedirect() async throws {
        try await withFleet { client, daemon in
            let created = try await client.send(.post, "/sessions", json: #"{"sessionId":"sess-here","source":"testsrc","durationSec":1}"#)
            #expect(created.status == .created)
            try await Eventually.until("the local playlist", timeout: .seconds(60)) {
                try await client.send(.get, "/sess-here/index.m3u8").status == .ok
            }
            #expect(try await client.send(.get, "/sess-here/no-such.ts").status == .notFound)
            _ = daemon
        }
    }

    @Test func nodesListsEveryHeartbeat() async throws {
        try await withFleet { client, _ in
            let response = try await client.send(.get, "/nodes")
            #expect(response.status == .ok)
            let nodes = response.json["nodes"] as? [[String: Any]] ?? []
            #expect(nodes.compactMap { $0["node_id"] as? String } == ["node-b", "test-node"])
            #expect(nodes.allSatisfy { $0["alive"] as? Bool == true && $0["started_at"] is String && $0["last_seen_at"] is String })
            #expect(nodes.first?["public_url"] as? String == "http://b.test:8080/")
        }
    }

    @Test func everyNodesPageMayWriteHere() async throws {
        try await withFleet { client, _ in
            let preflight = try await client.send(.options, "/sessions/x", headers: [
                .origin: "http://b.test:8080", .accessControlRequestMethod: "DELETE",
            ])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "http://b.test:8080")
            let stranger = try await client.send(.delete, "/sessions/x", headers: [.origin: "http://evil.test"])
            #expect(stranger.status == .forbidden)
            let write = try await client.send(.delete, "/sessions/sess-nobody", headers: [.origin: "http://b.test:8080"])
            #expect(write.status == .notFound)
            #expect(write.headers[.accessControlAllowOrigin] == "http://b.test:8080")
        }
    }
}
