import Foundation

/// Headless Chromium driven over the DevTools protocol by `bench/chromium/cdp.py` (Python stdlib, a pipe
/// instead of a WebSocket): open a page at a viewport, wait in real time until a JavaScript condition
/// holds — media plays in real time, which `--dump-dom` with a virtual-time budget cannot wait for — then
/// read a value and optionally take a screenshot.
struct WebPageChromium {
    static let executable: String? = {
        if let path = ProcessInfo.processInfo.environment["STREAMD_CHROMIUM"], !path.isEmpty { return path }
        let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let script = ServiceTestEnvironment.repositoryRoot.appendingPathComponent("bench/chromium/cdp.py")

    struct Outcome {
        /// The condition held before the timeout.
        let ok: Bool
        /// The `print` expression's value, as JSON decoded by JSONSerialization.
        let value: Any?
        let elapsed: Double
    }

    static func open(
        _ url: String, until condition: String, print expression: String, width: Int = 1280, height: Int = 800,
        mobile: Bool = false, screenshot: URL? = nil, timeout: Double = 30
    ) async throws -> Outcome {
        guard let executable else { throw ServiceTestFailure("chromium is not installed (apt-get install chromium)") }
        var arguments = [script.path, url, "--until", condition, "--print", expression, "--timeout", String(timeout),
                         "--size", "\(width),\(height)", "--chromium", executable]
        if mobile { arguments.append("--mobile") }
        if let screenshot { arguments += ["--screenshot", screenshot.path] }
        let result = try await ChildProcess.run("/usr/bin/env", ["python3"] + arguments, timeout: .seconds(Int(timeout) + 60))
        guard let line = result.output.split(separator: "\n").last,
              let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ServiceTestFailure("cdp.py \(url) gave no answer (status \(result.status)): \(result.output)\(result.errors.suffix(2000))")
        }
        if let error = json["error"] as? String { throw ServiceTestFailure("cdp.py \(url): \(error)") }
        return Outcome(ok: json["ok"] as? Bool ?? false, value: json["value"], elapsed: json["elapsed"] as? Double ?? 0)
    }
}
