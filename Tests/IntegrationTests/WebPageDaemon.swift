import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `streamd` binary (`make test` exports STREAMD_BINARY) on a free port, with its own database
/// on the test cluster, its own data directory and a small YAML config; stopped with SIGTERM, then the
/// database is dropped and the directory removed.
struct WebPageDaemon: Sendable {
    static let binary = ProcessInfo.processInfo.environment["STREAMD_BINARY"].flatMap { $0.isEmpty ? nil : $0 }
    static let databaseURL = ProcessInfo.processInfo.environment["STREAMD_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static var isAvailable: Bool { binary != nil && databaseURL != nil }
    static let skipReason = "STREAMD_BINARY or STREAMD_TEST_DATABASE_URL is not set; run `make test`"

    /// Keeps the CPU low on a two-core machine: small frames, and a session limit.
    static let smallConfig = """
        media: {width: 320, height: 240, fps: 15}
        limits: {max_sessions: 2}
        """

    /// A database on the test cluster and a data directory, kept across daemon restarts.
    struct Storage: Sendable {
        let root: URL
        let database: String

        static func create() async throws -> Storage {
            guard let databaseURL else { throw Failure(description: skipReason) }
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("streamd-web-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
            // Identifiers cannot be parameters; the name is [a-z0-9_] only.
            let database = "web_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try await psql(databaseURL, "CREATE DATABASE \(database)")
            return Storage(root: root, database: database)
        }

        func destroy() async {
            if let databaseURL = WebPageDaemon.databaseURL {
                do {
                    try await psql(databaseURL, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
                } catch {
                    print("cannot drop \(database): \(error)")
                }
            }
            if ProcessInfo.processInfo.environment["STREAMD_KEEP_TEST_DATA"] == nil {
                try? FileManager.default.removeItem(at: root)
            }
        }

        /// Runs `body` with fresh storage, then drops it whatever happened.
        static func with<T>(_ body: (Storage) async throws -> T) async throws -> T {
            let storage = try await create()
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await body(storage))
            } catch {
                outcome = .failure(error)
            }
            await storage.destroy()
            return try outcome.get()
        }
    }

    let process: Process
    let port: Int
    let storage: Storage
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var logFile: URL { storage.root.appendingPathComponent("daemon-\(port).log") }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts a daemon on fresh storage, runs `body`, and always cleans up.
    static func with<T>(config: String = smallConfig, environment: [String: String] = [:],
                        _ body: (WebPageDaemon) async throws -> T) async throws -> T {
        try await Storage.with { storage in
            try await with(storage: storage, config: config, environment: environment, body)
        }
    }

    /// Starts a daemon on `storage` (kept afterwards, so another daemon can take over), runs `body`, stops it.
    static func with<T>(storage: Storage, config: String = smallConfig, environment: [String: String] = [:],
                        _ body: (WebPageDaemon) async throws -> T) async throws -> T {
        let daemon = try await start(storage: storage, config: config, environment: environment)
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body(daemon))
        } catch {
            outcome = .failure(error)
        }
        await daemon.stop()
        if case .failure = outcome { print("daemon log (tail):\n\(daemon.logTail())") }
        return try outcome.get()
    }

    static func start(storage: Storage, config: String, environment: [String: String]) async throws -> WebPageDaemon {
        guard let binary, let databaseURL else { throw Failure(description: skipReason) }
        let port = try freePort()
        let configFile = storage.root.appendingPathComponent("streamd-\(port).yaml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve"]
        var env = ProcessInfo.processInfo.environment
        env["STREAMD_LISTEN"] = "127.0.0.1:\(port)"
        env["STREAMD_DATA_DIR"] = storage.root.appendingPathComponent("data").path
        env["STREAMD_DATABASE_URL"] = "\(databaseURL) dbname=\(storage.database)"
        env["STREAMD_CONFIG"] = configFile.path
        env["STREAMD_API_TOKEN"] = nil
        env["STREAMD_READ_TOKEN"] = nil
        env["STREAMD_PUBLIC_URL"] = nil
        env.merge(environment) { _, new in new }
        process.environment = env
        let daemon = WebPageDaemon(process: process, port: port, storage: storage)
        FileManager.default.createFile(atPath: daemon.logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: daemon.logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        do {
            try await daemon.waitUntilHealthy(deadline: .now + .seconds(60))
        } catch {
            await daemon.stop()
            throw Failure(description: "\(error)\ndaemon log:\n\(daemon.logTail())")
        }
        return daemon
    }

    private func waitUntilHealthy(deadline: ContinuousClock.Instant) async throws {
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw Failure(description: "streamd exited with status \(process.terminationStatus) before /healthz answered") }
            if let response = try? await request("GET", "/healthz"), response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw Failure(description: "streamd did not answer /healthz within the deadline")
    }

    /// SIGTERM (the daemon finalizes its recordings), SIGKILL after 20 s.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func logTail(lines: Int = 40) -> String {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    // MARK: HTTP

    struct Response: Sendable {
        let status: Int
        let headers: [String: String]
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw Failure(description: "not a JSON object: \(text)")
            }
            return object
        }
    }

    func request(_ method: String, _ path: String, json: String? = nil) async throws -> Response {
        guard let url = URL(string: baseURL + path) else { throw Failure(description: "bad path \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw Failure(description: "not an HTTP response") }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return Response(status: http.statusCode, headers: headers, body: data)
    }

    /// Starts a short test-pattern recording and waits until it has ended.
    func record(seconds: Double, deadline: Duration = .seconds(60)) async throws -> [String: Any] {
        let started = try await request("POST", "/sessions", json: #"{"source":"testsrc","durationSec":\#(seconds),"width":320,"height":240}"#)
        guard started.status == 201, let id = try started.json()["session_id"] as? String else {
            throw Failure(description: "POST /sessions answered \(started.status): \(started.text)")
        }
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            let session = try await request("GET", "/sessions/\(id)").json()
            switch session["status"] as? String {
            case "completed": return session
            case "failed", "interrupted": throw Failure(description: "session \(id) ended as \(session)")
            default: try await Task.sleep(for: .milliseconds(250))
            }
        }
        throw Failure(description: "session \(id) did not complete within \(deadline)")
    }

    // MARK: helpers

    /// A port the kernel just handed out (bind to 0), released for the daemon to take.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, length) == 0 && getsockname(fd, sa, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "bind() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func psql(_ conninfo: String, _ sql: String) async throws {
        let result = try await WebPageProcess.run("/usr/bin/env", ["psql", conninfo, "-v", "ON_ERROR_STOP=1", "-qc", sql], timeout: .seconds(30))
        guard result.status == 0 else { throw Failure(description: "psql \(sql) exited \(result.status): \(result.output)\(result.errors)") }
    }
}

/// A child process with a deadline; stdout and stderr collected in files (no pipe to fill up).
enum WebPageProcess {
    struct Result: Sendable {
        let status: Int32
        let output: String
        let errors: String
        let timedOut: Bool
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    timeout: Duration) async throws -> Result {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("streamd-proc-\(UUID().uuidString)")
        let outFile = base.appendingPathExtension("out"), errFile = base.appendingPathExtension("err")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        let out = try FileHandle(forWritingTo: outFile), err = try FileHandle(forWritingTo: errFile)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let timedOut = process.isRunning
        if timedOut {
            process.terminate()
            try await Task.sleep(for: .seconds(2))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        return Result(
            status: timedOut ? -1 : process.terminationStatus,
            output: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "", timedOut: timedOut)
    }
}
