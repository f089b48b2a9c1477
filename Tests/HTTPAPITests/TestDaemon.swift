import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import Prometheus
import Recorder
import Sessions
import Store
import Testing

/// One metrics registry for the whole test process: MetricsSystem can be bootstrapped only once.
let sharedRegistry: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    return registry
}()

/// A session manager on an in-memory repository and a temp data dir, behind the real router.
struct TestDaemon: Sendable {
    let manager: SessionManager
    let repository: InMemorySessionRepository
    let dataDirectory: URL
    let http: HTTPConfig

    init(http: HTTPConfig = HTTPConfig(), adjust: (inout RecorderConfig) -> Void = { _ in }) throws {
        // The recorder's counters bind to the metrics system when it is created, so bootstrap first.
        _ = sharedRegistry
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("streamd-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        var config = RecorderConfig(dataDirectory: dataDirectory, publicURL: "http://test.local", nodeId: "test-node",
                                    defaultDevice: "/dev/video-streamd-missing", width: 160, height: 120, fps: 15, minFreeBytes: 0)
        adjust(&config)
        repository = InMemorySessionRepository()
        manager = SessionManager(config: config, repository: repository, logger: Logger(label: "test"))
        self.http = http
    }

    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(manager: manager, config: http, registry: sharedRegistry))
        try await app.test(.router, body)
        await manager.shutdown()
        try? FileManager.default.removeItem(at: dataDirectory)
    }
}

extension TestClientProtocol {
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { $0 }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
}
