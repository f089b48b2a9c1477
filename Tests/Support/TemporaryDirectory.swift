import Foundation

/// A fresh directory under the system temp dir, removed when the last reference goes (unless
/// STREAMD_KEEP_TEST_DATA is set, to look at a failed run's files).
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init(_ label: String = #function) throws {
        let name = label.filter { $0.isLetter || $0.isNumber }.prefix(40)
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("streamd-test-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        guard ProcessInfo.processInfo.environment["STREAMD_KEEP_TEST_DATA"] == nil else {
            print("kept \(url.path)")
            return
        }
        do { try FileManager.default.removeItem(at: url) } catch {
            print("could not remove \(url.path): \(error)")
        }
    }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}
