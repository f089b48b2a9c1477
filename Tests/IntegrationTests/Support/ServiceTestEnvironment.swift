import Foundation

/// What the service tests need from `make test`: the real binary and a PostgreSQL server to make
/// databases on. Tests that lack either are skipped with this reason, visibly.
enum ServiceTestEnvironment {
    static let binary = value("STREAMD_BINARY")
    static let databaseURL = value("STREAMD_TEST_DATABASE_URL")

    static var hasBinary: Bool { binary != nil }
    static var hasBinaryAndDatabase: Bool { binary != nil && databaseURL != nil }
    static let skipReason = "STREAMD_BINARY or STREAMD_TEST_DATABASE_URL is not set; run `make test`"

    /// The checkout this file is in (the folder with Package.swift): openapi.yaml, bench/, data/.
    static let repositoryRoot: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/", !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory.deleteLastPathComponent()
        }
        return directory
    }()

    /// A fresh directory under the system temp dir, removed by `removeScratch` unless
    /// STREAMD_KEEP_TEST_DATA is set (to look at a failed run's recordings and logs).
    static func scratchDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func removeScratch(_ url: URL) {
        guard ProcessInfo.processInfo.environment["STREAMD_KEEP_TEST_DATA"] == nil else {
            print("kept \(url.path)")
            return
        }
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            print("cannot remove \(url.path): \(error)")
        }
    }

    private static func value(_ name: String) -> String? {
        guard let text = ProcessInfo.processInfo.environment[name], !text.isEmpty else { return nil }
        return text
    }
}

/// A service test's own failure, with enough context (logs, outputs) to act on.
struct ServiceTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
