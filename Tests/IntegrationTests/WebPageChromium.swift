import Foundation
import StreamdTestSupport

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

    /// JavaScript that lists every rendered element cut off at the page's viewport: outside it
    /// horizontally, or outside an ancestor that clips or scrolls its overflow (a table scrolled
    /// sideways hides its last column). Rects measured in the page through DevTools' Runtime.evaluate.
    static let clippedElements = """
        (() => {
          const width = document.documentElement.clientWidth, cut = [], slack = 0.5;
          const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
            (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
            (el.textContent ? ' "' + el.textContent.trim().slice(0, 30) + '"' : '');
          const clips = (el) => { const s = getComputedStyle(el); return s.overflowX !== 'visible' || s.overflowY !== 'visible'; };
          for (const el of document.body.querySelectorAll('*')) {
            if (el.closest('.visually-hidden, script, style') || !el.getClientRects().length) continue;
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            if (r.left < -slack || r.right > width + slack) { cut.push(name(el) + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + width + ' px'); continue; }
            for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
              if (!clips(a)) continue;
              const c = a.getBoundingClientRect();
              if (r.left < c.left - slack || r.right > c.right + slack || r.top < c.top - slack || r.bottom > c.bottom + slack) {
                cut.push(name(el) + ' is cut off by ' + name(a)); break;
              }
            }
          }
          for (const el of document.body.querySelectorAll('*')) {
            if (clips(el) && !el.closest('.visually-hidden') && el.getClientRects().length && el.scrollWidth > el.clientWidth + 1 && !['INPUT', 'SELECT', 'TEXTAREA', 'VIDEO', 'IMG'].includes(el.tagName))
              cut.push(name(el) + ' scrolls sideways: ' + el.scrollWidth + ' px content in ' + el.clientWidth);
          }
          // A select shows its chosen option in its own box: the text must fit beside the arrow.
          const measure = document.createElement('canvas').getContext('2d');
          for (const select of document.body.querySelectorAll('select')) {
            if (!select.getClientRects().length || select.selectedIndex < 0) continue;
            const s = getComputedStyle(select);
            measure.font = s.font;
            const room = select.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 20;
            const text = select.options[select.selectedIndex].text;
            if (measure.measureText(text).width > room) cut.push(name(select) + ' cuts off its option "' + text + '"');
          }
          if (document.documentElement.scrollWidth > width) cut.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' px in ' + width);
          return cut;
        })()
        """

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
