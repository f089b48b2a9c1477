import Foundation
import StreamdTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One run of the real `streamd serve` on a free port, on `ServiceStorage`, with stdout and stderr in
/// files of their own (the journald test reads both). The test decides how it ends: SIGTERM, SIGKILL.
final class ServiceDaemon: Sendable {
    /// Small frames at a low rate: two cores run several of these at once.
    static let smallConfig = """
        media: {width: 320, height: 240, fps: 15, segment_seconds: 1}
        limits: {max_sessions: 4, min_free_mb: 0}
        log_level: info
        """

    /// The web page and OpenAPI tests' config: the daemon's default segment length and log level, small
    /// frames, two sessions at most.
    static let webPageConfig = """
        media: {width: 320, height: 240, fps: 15}
        limits: {max_sessions: 2}
        """

    let process: Process
    let port: Int
    /// The daemon's RTSP publish port (`STREAMD_RTSP_LISTEN`).
    let rtspPort: Int
    let storage: ServiceStorage
    let standardOutputFile: URL
    let standardErrorFile: URL

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var standardOutput: String { Self.read(standardOutputFile) }
    var standardError: String { Self.read(standardErrorFile) }

    private init(process: Process, port: Int, rtspPort: Int, storage: ServiceStorage, standardOutputFile: URL, standardErrorFile: URL) {
        self.rtspPort = rtspPort
        self.process = process
        self.port = port
        self.storage = storage
        self.standardOutputFile = standardOutputFile
        self.standardErrorFile = standardErrorFile
    }

    /// Starts the daemon and returns at once; `waitUntilHealthy` waits for it to serve.
    /// `fileSizeLimitKiB` runs the daemon under bash's `ulimit -f` (1024-byte blocks; dash counts 512) with SIGXFSZ ignored, so writes past the
    /// limit fail with EFBIG: a real OS write error injected without privileges.
    /// `openFileLimit` runs it under `prlimit --nofile=N:N` (soft and hard), as a low LimitNOFILE would.
    static func launch(storage: ServiceStorage, config: String = smallConfig, environment: [String: String] = [:],
                       fileSizeLimitKiB: Int? = nil, openFileLimit: Int? = nil) throws -> ServiceDaemon {
        guard let binary = ServiceTestEnvironment.binary else { throw ServiceTestFailure(ServiceTestEnvironment.skipReason) }
        let port = try FreePort.next()
        let configFile = storage.root.appendingPathComponent("streamd-\(port).yaml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        // Nothing of the test runner's own service context may leak into the daemon.
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "STREAMD_API_TOKEN",
                     "STREAMD_READ_TOKEN", "STREAMD_PUBLIC_URL", "STREAMD_LOG_LEVEL", "STREAMD_LISTEN",
                     "STREAMD_RTSP_LISTEN", "STREAMD_DEFAULT_SOURCE", "STREAMD_NODE_ID"] {
            env[name] = nil
        }
        env["STREAMD_CONFIG"] = configFile.path
        env["STREAMD_LISTEN"] = "127.0.0.1:\(port)"
        // Every daemon gets its own RTSP port: the default 8554 would collide between parallel tests.
        let rtspPort = try FreePort.next()
        env["STREAMD_RTSP_LISTEN"] = environment["STREAMD_RTSP_LISTEN"] ?? "127.0.0.1:\(rtspPort)"
        env["STREAMD_DATA_DIR"] = storage.dataDirectory.path
        env["STREAMD_DATABASE_URL"] = storage.conninfo
        env.merge(environment) { _, new in new }

        let stdoutFile = storage.root.appendingPathComponent("daemon-\(port).out")
        let stderrFile = storage.root.appendingPathComponent("daemon-\(port).err")
        guard FileManager.default.createFile(atPath: stdoutFile.path, contents: nil) else { throw ServiceTestFailure("cannot create \(stdoutFile.path)") }
        guard FileManager.default.createFile(atPath: stderrFile.path, contents: nil) else { throw ServiceTestFailure("cannot create \(stderrFile.path)") }
        let process = Process()
        if let openFileLimit {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
            process.arguments = ["--nofile=\(openFileLimit):\(openFileLimit)", binary, "serve"]
        } else if let fileSizeLimitKiB {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "ulimit -f \(fileSizeLimitKiB) && trap '' XFSZ && exec \"$0\" serve", binary]
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["serve"]
        }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
        return ServiceDaemon(process: process, port: port, rtspPort: rtspPort, storage: storage, standardOutputFile: stdoutFile, standardErrorFile: stderrFile)
    }

    /// `with(storage:…)` on fresh storage, removed afterwards.
    static func with<T>(config: String = smallConfig, environment: [String: String] = [:],
                        _ body: (ServiceDaemon) async throws -> T) async throws -> T {
        try await ServiceStorage.with { storage in
            try await with(storage: storage, config: config, environment: environment, body)
        }
    }

    /// Launches, waits for /healthz, runs `body`, and always stops the daemon (SIGTERM, SIGKILL after 20 s).
    static func with<T>(storage: ServiceStorage, config: String = smallConfig, environment: [String: String] = [:],
                        fileSizeLimitKiB: Int? = nil, openFileLimit: Int? = nil,
                        _ body: (ServiceDaemon) async throws -> T) async throws -> T {
        let daemon = try launch(storage: storage, config: config, environment: environment, fileSizeLimitKiB: fileSizeLimitKiB,
                                openFileLimit: openFileLimit)
        let outcome: Result<T, any Error>
        do {
            try await daemon.waitUntilHealthy()
            outcome = .success(try await body(daemon))
        } catch {
            outcome = .failure(error)
        }
        await daemon.stop()
        if case .failure = outcome { print("daemon on port \(daemon.port), stderr (tail):\n\(daemon.tail())") }
        return try outcome.get()
    }

    func waitUntilHealthy(timeout: Duration = .seconds(60)) async throws {
        try await Eventually.until("streamd on port \(port) to answer /healthz", timeout: timeout, interval: .milliseconds(200)) {
            guard process.isRunning else {
                throw ServiceTestFailure("streamd exited with status \(process.terminationStatus) before it served:\n\(tail())")
            }
            return try await request("GET", "/healthz").status == 200
        }
    }

    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The exit status once the process has ended; throws when it outlives `timeout`.
    func waitForExit(timeout: Duration) async throws -> (status: Int32, reason: Process.TerminationReason) {
        guard await ChildProcess.waitForExit(process, timeout: timeout) else {
            throw ServiceTestFailure("streamd did not exit within \(timeout):\n\(tail())")
        }
        return (process.terminationStatus, process.terminationReason)
    }

    func stop() async {
        guard process.isRunning else { return }
        send(SIGTERM)
        if await ChildProcess.waitForExit(process, timeout: .seconds(20)) { return }
        send(SIGKILL)
        _ = await ChildProcess.waitForExit(process, timeout: .seconds(5))
    }

    func tail(lines: Int = 40) -> String {
        standardError.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    // MARK: HTTP

    struct Response: Sendable {
        let status: Int
        /// Header names in lower case.
        let headers: [String: String]
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }

        func object() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw ServiceTestFailure("not a JSON object: \(text)")
            }
            return object
        }
    }

    func request(_ method: String, _ path: String, json: String? = nil) async throws -> Response {
        guard let url = URL(string: baseURL + path) else { throw ServiceTestFailure("bad path \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw ServiceTestFailure("not an HTTP response") }
        var headers: [String: String] = [:]
        for case let (key as String, value as String) in http.allHeaderFields { headers[key.lowercased()] = value }
        return Response(status: http.statusCode, headers: headers, body: data)
    }

    /// POST /sessions with a small test pattern; returns the new session's id.
    func startTestPattern(extra: String = "") async throws -> String {
        let body = #"{"source":"testsrc","width":320,"height":240,"fps":15\#(extra)}"#
        let response = try await request("POST", "/sessions", json: body)
        guard response.status == 201, let id = try response.object()["session_id"] as? String else {
            throw ServiceTestFailure("POST /sessions answered \(response.status): \(response.text)")
        }
        return id
    }

    func session(_ id: String) async throws -> [String: Any] {
        let response = try await request("GET", "/sessions/\(id)")
        guard response.status == 200 else { throw ServiceTestFailure("GET /sessions/\(id) answered \(response.status): \(response.text)") }
        return try response.object()
    }

    /// Records a test pattern for `seconds` and returns the session once it has completed.
    func record(seconds: Double, timeout: Duration = .seconds(60)) async throws -> [String: Any] {
        let id = try await startTestPattern(extra: #","durationSec":\#(seconds)"#)
        let ended = try await Eventually.value("\(id) to end", timeout: timeout, interval: .milliseconds(250)) {
            let session = try await session(id)
            return ["completed", "failed", "interrupted"].contains(session["status"] as? String ?? "") ? session : nil
        }
        guard ended["status"] as? String == "completed" else { throw ServiceTestFailure("session \(id) ended as \(ended)") }
        return ended
    }

    /// Waits until the session's playlist lists at least `count` segments (as the API reports).
    func waitForSegments(_ id: String, atLeast count: Int, timeout: Duration = .seconds(120)) async throws {
        try await Eventually.until("\(id) to list \(count) segment(s)", timeout: timeout, interval: .milliseconds(200)) {
            (try await session(id)["segment_count"] as? Int ?? 0) >= count
        }
    }

    private static func read(_ file: URL) -> String {
        do {
            return try String(contentsOf: file, encoding: .utf8)
        } catch {
            return "(cannot read \(file.path): \(error))"
        }
    }
}
