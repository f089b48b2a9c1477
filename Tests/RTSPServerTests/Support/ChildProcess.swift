import Foundation

/// A CLI peer (ffmpeg, gst-launch) with its stderr in a file, waited on with a bound.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let stderrURL: URL

    init(_ executable: String, _ arguments: [String]) throws {
        stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent("rtsp-test-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    func interrupt() {
        if process.isRunning { process.interrupt() }
    }

    /// The exit status, or nil when it did not end within `timeout` (it is then killed).
    func wait(timeout: Duration) async -> Int32? {
        let ended = await eventually(timeout: timeout) { !process.isRunning }
        guard ended else {
            process.terminate()
            _ = await eventually(timeout: .seconds(5)) { !process.isRunning }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            return nil
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: stderrURL)
    }

    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> (Int32?, String) {
        let child = try ChildProcess(executable, arguments)
        let status = await child.wait(timeout: timeout)
        return (status, child.stderr)
    }
}
