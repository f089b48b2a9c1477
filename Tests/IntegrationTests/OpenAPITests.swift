import Foundation
import HTTPAPI
import Hummingbird
import Logging
import Prometheus
import Recorder
import Sessions
import Store
import Testing

/// `openapi.yaml` is served byte for byte, documents every route of the router, and survives
/// schemathesis fuzzing against a live daemon.
@Suite(.serialized)
struct OpenAPITests {
    static var documentFile: URL { ServiceTestEnvironment.repositoryRoot.appendingPathComponent("openapi.yaml") }

    static let schemathesis = ProcessInfo.processInfo.environment["STREAMD_SCHEMATHESIS"].flatMap {
        FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil
    }

    @Test func embeddedDocumentIsASymlinkToTheTopLevelFile() throws {
        let embedded = ServiceTestEnvironment.repositoryRoot.appendingPathComponent("Sources/HTTPAPI/Resources/openapi.yaml").path
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: embedded)
        #expect(target == "../../../openapi.yaml")
    }

    @Test func everyRouteIsDocumentedAndNothingElse() async throws {
        let document = try Self.parsedDocument()
        var documented: Set<String> = []
        for (path, item) in document {
            for method in item.keys where ["get", "head", "post", "put", "patch", "delete", "options"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("streamd-openapi-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let manager = SessionManager(
            config: RecorderConfig(dataDirectory: dataDirectory), repository: InMemorySessionRepository(),
            logger: Logger(label: "openapi-test"))
        // With the fleet every daemon has (`GET /nodes`).
        let fleet = FleetDirectory(nodeId: "openapi", publicURL: "http://127.0.0.1:8080", repository: InMemoryNodeRepository())
        let router = buildRouter(manager: manager, config: HTTPConfig(), registry: PrometheusCollectorRegistry(), fleet: fleet)
        let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        // The router's `{id}`/`{sessionId}` names are the document's.
        #expect(routed.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
        #expect(documented.subtracting(routed).sorted() == [], "openapi.yaml documents routes the router does not have")
    }

    @Test(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
    func servedDocumentIsTheRepositoryFile() async throws {
        let expected = try Data(contentsOf: Self.documentFile)
        try await ServiceDaemon.with(config: ServiceDaemon.webPageConfig) { daemon in
            let response = try await daemon.request("GET", "/openapi.yaml")
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("application/yaml") == true)
            #expect(response.body == expected, "GET /openapi.yaml differs from openapi.yaml: rebuild the binary")
        }
    }

    /// Two daemons on the same storage: the first records the sessions the fuzzer reads, closes and
    /// deletes; the second runs with a free-space floor no disk meets, so every valid `POST /sessions`
    /// is answered 507 (documented) instead of starting a pipeline the fuzzer chose the size of.
    @Test(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase && schemathesis != nil,
                   "STREAMD_BINARY / STREAMD_TEST_DATABASE_URL / STREAMD_SCHEMATHESIS unset: run `make test`"))
    func schemathesisFindsNoServerErrorsAndNoSchemaViolations() async throws {
        let schemathesis = try #require(Self.schemathesis)
        try await ServiceStorage.with { storage in
            let (kept, deletable) = try await ServiceDaemon.with(storage: storage, config: ServiceDaemon.webPageConfig) { daemon in
                async let first = daemon.record(seconds: 2)
                async let second = daemon.record(seconds: 2)
                let kept = try #require(try await first["session_id"] as? String)
                let deletable = try #require(try await second["session_id"] as? String)
                return (kept, deletable)
            }
            let fuzzConfig = """
                media: {width: 320, height: 240, fps: 15}
                limits: {max_sessions: 1, min_free_mb: 1000000000}
                """
            try await ServiceDaemon.with(storage: storage, config: fuzzConfig) { daemon in
                let configFile = storage.root.appendingPathComponent("schemathesis.toml")
                try Self.schemathesisConfig(kept: kept, deletable: deletable).write(to: configFile, atomically: true, encoding: .utf8)
                let started = ContinuousClock.now
                // ChildProcess fails the test with schemathesis's output if it does not finish in time.
                let result = try await ChildProcess.run(schemathesis, [
                    "--config-file", configFile.path, "run", daemon.baseURL + "/openapi.yaml",
                    "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,unsupported_method",
                    "--max-examples", "25", "--seed", "20261130", "--workers", "1", "--request-timeout", "10",
                    "--no-color",
                ], timeout: .seconds(150))
                print("schemathesis finished in \(ContinuousClock.now - started) with status \(result.status)")
                #expect(result.status == 0, "schemathesis found problems:\n\(result.output.suffix(12000))\n\(result.errors.suffix(4000))")
                // The daemon survived the run.
                let health = try await daemon.request("GET", "/healthz")
                #expect(health.status == 200)
            }
        }
    }

    /// The known session ids for the path parameters; DELETE gets its own, so the one the reads use stays.
    static func schemathesisConfig(kept: String, deletable: String) -> String {
        """
        [parameters]
        "path.id" = "\(kept)"
        "path.sessionId" = "\(kept)"

        [[operations]]
        include-path = "/sessions"
        include-method = "POST"
        checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "503", "507"]

        [[operations]]
        include-path = "/sessions/{id}"
        include-method = "DELETE"
        parameters = { "path.id" = "\(deletable)" }

        [[operations]]
        include-path = "/{sessionId}/{file}"
        include-method = "GET"
        parameters = { "path.file" = "index.m3u8" }

        [[operations]]
        include-path = "/{sessionId}/{file}"
        include-method = "HEAD"
        parameters = { "path.file" = "poster.jpg" }
        """
    }

    /// `paths` of openapi.yaml, parsed by a real YAML parser (PyYAML, from the schemathesis venv or the system).
    static func parsedDocument() throws -> [String: [String: Any]] {
        let python = schemathesis.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("python3").path }
            .flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil } ?? "/usr/bin/python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1], encoding='utf-8')), sys.stdout)", documentFile.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ServiceTestFailure("\(python) could not parse openapi.yaml as YAML (status \(process.terminationStatus))")
        }
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(root["openapi"] as? String == "3.0.3")
        let paths = try #require(root["paths"] as? [String: Any])
        return paths.compactMapValues { $0 as? [String: Any] }
    }
}
