import Foundation
import StreamdTestSupport
import Testing

/// The daemon as systemd runs it: sd_notify readiness and watchdog, journald priorities.
@Suite(.serialized, .enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct ServiceSystemdTests {
    @Test func notifiesReadinessWatchdogAndStopping() async throws {
        try await ServiceStorage.with { storage in
            let listener = try NotifySocketListener(directory: storage.root)
            let daemon = try ServiceDaemon.launch(storage: storage, environment: [
                "NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "1000000",
            ])
            do {
                try await Eventually.until("READY=1", timeout: .seconds(60)) { listener.assignments().contains("READY=1") }
                // READY comes once the server listens: the API must answer right away.
                #expect(try await daemon.request("GET", "/healthz").status == 200)
                // With a 1 s watchdog the daemon pings every 0.5 s; wait for two to see it keeps going.
                try await Eventually.until("two WATCHDOG=1 pings", timeout: .seconds(10)) {
                    listener.assignments().filter { $0 == "WATCHDOG=1" }.count >= 2
                }
                #expect(listener.assignments().contains("STATUS=0 sessions recording"))

                daemon.send(SIGTERM)
                let exit = try await daemon.waitForExit(timeout: .seconds(30))
                #expect(exit.status == 0)
                #expect(listener.assignments().contains("STOPPING=1"))
            } catch {
                await daemon.stop()
                print("daemon stderr:\n\(daemon.tail())\nnotifications: \(listener.assignments())")
                throw error
            }
        }
    }

    @Test func journalStreamLinesCarryPriorities() async throws {
        try await ServiceStorage.with { storage in
            let daemon = try ServiceDaemon.launch(storage: storage, environment: ["JOURNAL_STREAM": "8:12345"])
            do {
                try await daemon.waitUntilHealthy()
                // A short recording logs at several levels (FFmpeg's warnings included) with session_id metadata.
                let id = try await daemon.startTestPattern(extra: #","durationSec":1"#)
                try await Eventually.until("\(id) to complete", timeout: .seconds(30), interval: .milliseconds(200)) {
                    (try await daemon.session(id)["status"] as? String) == "completed"
                }
                daemon.send(SIGTERM)
                #expect(try await daemon.waitForExit(timeout: .seconds(30)).status == 0)
            } catch {
                await daemon.stop()
                throw error
            }
            let lines = (daemon.standardOutput + daemon.standardError).split(separator: "\n").map(String.init)
            #expect(!lines.isEmpty)
            let unprefixed = lines.filter { $0.range(of: #"^<[0-7]>"#, options: .regularExpression) == nil }
            #expect(unprefixed.isEmpty, "lines without a <N> priority: \(unprefixed)")
            #expect(lines.contains { $0.hasPrefix("<6>") && $0.contains("session_id=") })
            // journald adds its own timestamp: the line must not carry one.
            #expect(!lines.contains { $0.range(of: #"^<[0-7]>\d{4}-\d{2}-\d{2}T"#, options: .regularExpression) != nil })
        }
    }
}
