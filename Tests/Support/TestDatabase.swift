import Foundation
import Sessions
import Store

/// The PostgreSQL server of the test run (`make test` exports STREAMD_TEST_DATABASE_URL) and a
/// private, dropped-afterwards database per test so tests can run in parallel.
public enum TestDatabase {
    public static let conninfo: String? = {
        guard let value = ProcessInfo.processInfo.environment["STREAMD_TEST_DATABASE_URL"], !value.isEmpty else {
            return nil
        }
        return value
    }()

    public static var isConfigured: Bool { conninfo != nil }

    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String { "STREAMD_TEST_DATABASE_URL is not set" }
    }

    /// Creates `t_<random>` on the server at `conninfo` (the test run's by default), optionally
    /// migrates it, runs `body` with a pool on it, then shuts the pool down and drops the database.
    public static func withDatabase<T>(
        conninfo: String? = TestDatabase.conninfo, migrated: Bool = true, poolSize: Int = 2,
        _ body: (_ pool: ConnectionPool, _ name: String) async throws -> T
    ) async throws -> T {
        guard let conninfo else { throw NotConfigured() }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        // Identifiers cannot be parameters; `name` is [a-z0-9_] only. The admin connection is
        // closed while the test runs: many tests run at once and the server has 200 slots.
        try await administer(conninfo, "CREATE DATABASE \(name)", statement: "create_test_database")
        let pool = ConnectionPool(conninfo: conninfo, overrides: ["dbname": name], size: poolSize)
        let outcome: Result<T, any Error>
        do {
            if migrated { try await migrate(pool: pool) }
            outcome = .success(try await body(pool, name))
        } catch {
            outcome = .failure(error)
        }
        await pool.shutdown()
        // A fault-injection test may have stopped the server for good: keep its first error.
        do {
            try await administer(conninfo, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)", statement: "drop_test_database")
        } catch {
            if case .success = outcome { throw error }
        }
        return try outcome.get()
    }

    private static func administer(_ conninfo: String, _ sql: String, statement: String) async throws {
        let admin = ConnectionPool(conninfo: conninfo, size: 1)
        let outcome: Result<Void, any Error>
        do {
            try await admin.withConnection(statement: statement) { connection, _ in
                _ = try connection.executeScript(sql, statement: statement)
            }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await admin.shutdown()
        try outcome.get()
    }
}
