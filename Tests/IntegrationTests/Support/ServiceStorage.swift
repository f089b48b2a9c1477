import Foundation

/// What outlives one daemon process: its own database on the test server and its own data directory,
/// so a restarted daemon finds what the previous one left (a crash, a shutdown).
struct ServiceStorage: Sendable {
    let root: URL
    let database: String
    let serverConninfo: String

    var dataDirectory: URL { root.appendingPathComponent("data") }
    /// libpq takes the last of repeated keywords: this names the test's own database.
    var conninfo: String { "\(serverConninfo) dbname=\(database)" }

    func recording(_ sessionId: String) -> URL {
        dataDirectory.appendingPathComponent("recordings").appendingPathComponent(sessionId)
    }

    static func create() async throws -> ServiceStorage {
        guard let server = ServiceTestEnvironment.databaseURL else { throw ServiceTestFailure(ServiceTestEnvironment.skipReason) }
        let root = try ServiceTestEnvironment.scratchDirectory("streamd-service")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        // Identifiers cannot be parameters; the name is [a-z0-9_] only.
        let database = "svc_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        _ = try await ChildProcess.psql(server, "CREATE DATABASE \(database)")
        return ServiceStorage(root: root, database: database, serverConninfo: server)
    }

    func destroy() async {
        do {
            _ = try await ChildProcess.psql(serverConninfo, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
        } catch {
            print("cannot drop \(database): \(error)")
        }
        ServiceTestEnvironment.removeScratch(root)
    }

    /// Runs `body` with fresh storage and removes it afterwards, whatever happened.
    static func with<T>(_ body: (ServiceStorage) async throws -> T) async throws -> T {
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

    /// The session's status as the database has it (not as the API or the journal would say).
    func statusInDatabase(_ sessionId: String) async throws -> String {
        // session ids are [A-Za-z0-9_-]: safe inside quotes.
        try await ChildProcess.psql(conninfo, "SELECT status FROM sessions WHERE session_id = '\(sessionId)'")
    }
}
