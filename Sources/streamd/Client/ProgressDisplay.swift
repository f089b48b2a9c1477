import Foundation

/// Shows how much a session has recorded: a bar redrawn in place when stderr is a terminal, a plain
/// line every few seconds otherwise (a log file or CI output should not fill with carriage returns).
struct ProgressDisplay {
    let interactive: Bool
    private var lastLine = ContinuousClock.now
    private var lastStatus: String?
    private var drawn = false

    init(interactive: Bool = isatty(STDERR_FILENO) == 1) {
        self.interactive = interactive
    }

    mutating func update(_ session: SessionInfo) {
        let seconds = session.mediaDurationSec ?? 0
        if interactive {
            write("\r" + Self.bar(recorded: seconds, planned: session.plannedSeconds) + "  " + session.status + "\u{1B}[K")
            drawn = true
            return
        }
        let now = ContinuousClock.now
        guard session.status != lastStatus || now - lastLine >= .seconds(2) else { return }
        lastStatus = session.status
        lastLine = now
        var line = "\(session.status): \(HumanUnits.seconds(seconds)) recorded"
        if let planned = session.plannedSeconds { line += " of \(HumanUnits.seconds(planned))" }
        line += ", \(session.segmentCount ?? 0) segments"
        write(line + "\n")
    }

    /// A line of its own, below the bar.
    mutating func note(_ text: String) {
        endBar()
        write(text + "\n")
    }

    mutating func endBar() {
        if drawn { write("\n") }
        drawn = false
    }

    /// `[##########----------]   2.1 / 4.0 s`, or a running count for a session without a duration.
    static func bar(recorded: Double, planned: Double?, width: Int = 30) -> String {
        guard let planned, planned > 0 else {
            return "recording " + String(format: "%7.1f s", recorded) + "  (Ctrl-C stops)"
        }
        let fraction = min(max(recorded / planned, 0), 1)
        let filled = Int((fraction * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            + String(format: "%5.1f / %.1f s", recorded, planned)
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
