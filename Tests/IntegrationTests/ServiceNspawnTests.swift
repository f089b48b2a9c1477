import Foundation
import StreamdTestSupport
import Testing

/// README's "Run as a service", step by step, under a real systemd: this machine's root booted with
/// systemd-nspawn over a throwaway overlay. `make install` installs the debug binary the run already
/// built, so CI builds once.
@Suite(.serialized, .enabled(if: SystemdContainer.isAvailable, "\(SystemdContainer.skipReason)"))
struct ServiceNspawnTests {
    /// Small frames: the machine has two cores and other tests run beside this one.
    static let small = #""source":"testsrc","width":320,"height":240,"fps":15"#

    @Test(.timeLimit(.minutes(8)))
    func readmeServiceStepsUnderARealSystemd() async throws {
        let began = ContinuousClock.now
        let binary = try #require(ServiceTestEnvironment.binary)
        let checkout = ServiceTestEnvironment.repositoryRoot.path
        let port = try FreePort.next()
        let rtspPort = try FreePort.next()
        try await SystemdContainer.with { box in
            print("nspawn: \(box.machine) booted in \(ContinuousClock.now - began)")
            // The container shares the host's network: its PostgreSQL listens on its socket only, so
            // containers of other runs cannot collide on 5432.
            try await box.mustRun("""
                set -e
                for conf in /etc/postgresql/*/*/conf.d; do printf "listen_addresses = ''\\n" >"$conf/zz-streamd-test.conf"; done
                pg_lsclusters -h | while read -r version cluster _; do systemctl restart "postgresql@$version-$cluster"; done
                """, timeout: .seconds(90))

            // 1. make install, with the binary already built.
            let installed = try await box.mustRun("cd '\(checkout)' && make install BINARY='\(binary)'", timeout: .seconds(180))
            #expect(installed.contains("installed /usr/local/bin/streamd"), "\(installed)")
            // What `systemctl edit streamd` would write: free ports, as the host runs other daemons.
            try await box.mustRun("""
                set -e
                mkdir -p /etc/systemd/system/streamd.service.d
                printf '[Service]\\nEnvironment=STREAMD_LISTEN=127.0.0.1:\(port)\\nEnvironment=STREAMD_RTSP_LISTEN=127.0.0.1:\(rtspPort)\\n' \
                    >/etc/systemd/system/streamd.service.d/test.conf
                systemctl daemon-reload
                """)

            // 2. The database user and database, as README says.
            try await box.mustRun("runuser -u postgres -- createuser streamd && runuser -u postgres -- createdb -O streamd streamd")

            // 3. enable --now returns once the daemon said READY=1 (Type=notify).
            try await box.mustRun("systemctl enable --now streamd", timeout: .seconds(120))
            #expect(try await box.property("ActiveState") == "active")
            #expect(try await box.mustRun("systemctl is-enabled streamd") == "enabled")
            #expect(try await box.property("StatusText").contains("sessions recording"))
            let firstPing = try await watchdogTimestamp(box)
            print("nspawn: streamd active after \(ContinuousClock.now - began)")

            // 4. A recording over HTTP.
            let api = "http://127.0.0.1:\(port)"
            let created = try await json(box, "curl -sf -X POST \(api)/sessions -d '{\"sessionId\":\"svc-3s\",\"durationSec\":3,\"postRollSec\":0,\(Self.small)}'")
            #expect(created["status"] as? String != nil)
            try await Eventually.until("svc-3s to complete", timeout: .seconds(60), interval: .milliseconds(250)) {
                try await json(box, "curl -sf \(api)/sessions/svc-3s")["status"] as? String == "completed"
            }
            let recorded = try HLSPlaylist(directory: box.hostPath("/var/lib/streamd/recordings/svc-3s"))
            #expect(recorded.hasEndList)
            #expect(abs(recorded.totalDuration - 3) <= 0.5, "\(recorded.totalDuration) s listed")
            #expect(recorded.missingSegments.isEmpty)

            // 5. The journal has it.
            try await Eventually.until("journalctl -u streamd to show svc-3s", timeout: .seconds(20), interval: .milliseconds(500)) {
                try await box.run("journalctl -u streamd --no-pager").output.contains("session_id=svc-3s")
            }

            // 6. The watchdog pings: WatchdogSec=30, a ping every 15 s.
            try await Eventually.until("the watchdog timestamp to advance past \(firstPing)", timeout: .seconds(45), interval: .milliseconds(500)) {
                try await watchdogTimestamp(box) > firstPing
            }
            print("nspawn: watchdog advanced after \(ContinuousClock.now - began)")

            // 7. systemctl stop mid-recording: the session ends interrupted, its playlist with ENDLIST.
            _ = try await json(box, "curl -sf -X POST \(api)/sessions -d '{\"sessionId\":\"svc-stop\",\(Self.small)}'")
            try await waitForASegment(box, api, "svc-stop")
            try await box.mustRun("systemctl stop streamd", timeout: .seconds(60))
            #expect(try await box.property("ActiveState") == "inactive")
            #expect(try await box.property("Result") == "success")
            let stoppedRow = try await box.mustRun("runuser -u postgres -- psql -d streamd -Atc \"SELECT status FROM sessions WHERE session_id = 'svc-stop'\"")
            #expect(stoppedRow == "interrupted")
            let stopped = try HLSPlaylist(directory: box.hostPath("/var/lib/streamd/recordings/svc-stop"))
            #expect(stopped.hasEndList)
            #expect(!stopped.segments.isEmpty && stopped.missingSegments.isEmpty)

            // 8. SIGKILL: systemd restarts it (Restart=on-failure) and the new run finalizes the recording.
            try await box.mustRun("systemctl start streamd", timeout: .seconds(120))
            _ = try await json(box, "curl -sf -X POST \(api)/sessions -d '{\"sessionId\":\"svc-kill\",\(Self.small)}'")
            try await waitForASegment(box, api, "svc-kill")
            let killedPID = try await box.property("MainPID")
            let restartsBefore = Int(try await box.property("NRestarts")) ?? -1
            try await box.mustRun("systemctl kill -s SIGKILL streamd")
            try await Eventually.until("systemd to restart streamd after SIGKILL", timeout: .seconds(90), interval: .milliseconds(500)) {
                let pid = try await box.property("MainPID")
                let state = try await box.property("ActiveState")
                return pid != "0" && pid != killedPID && state == "active"
            }
            #expect((Int(try await box.property("NRestarts")) ?? -1) == restartsBefore + 1)
            try await Eventually.until("the restart to mark svc-kill interrupted", timeout: .seconds(30), interval: .milliseconds(250)) {
                try await json(box, "curl -sf \(api)/sessions/svc-kill")["status"] as? String == "interrupted"
            }
            let killed = try HLSPlaylist(directory: box.hostPath("/var/lib/streamd/recordings/svc-kill"))
            #expect(killed.hasEndList)
            #expect(!killed.segments.isEmpty && killed.missingSegments.isEmpty)
            #expect(try await killed.decodedFrameCount() > 0)
            #expect(try await box.run("journalctl -u streamd --no-pager").output.contains("svc-kill"))
            print("nspawn: all steps done after \(ContinuousClock.now - began)")
        }
        print("nspawn: the systemd test took \(ContinuousClock.now - began) with boot and power-off")
    }

    private func watchdogTimestamp(_ box: SystemdContainer) async throws -> UInt64 {
        let text = try await box.property("WatchdogTimestampMonotonic")
        guard let value = UInt64(text) else { throw ServiceTestFailure("WatchdogTimestampMonotonic is \(text)") }
        return value
    }

    private func waitForASegment(_ box: SystemdContainer, _ api: String, _ id: String) async throws {
        try await Eventually.until("\(id) to list a segment", timeout: .seconds(60), interval: .milliseconds(250)) {
            let session = try await json(box, "curl -sf \(api)/sessions/\(id)")
            return session["status"] as? String == "recording" && (session["segment_count"] as? Int ?? 0) >= 1
        }
    }

    /// curl inside the container (what a user types), its output parsed as a JSON object.
    private func json(_ box: SystemdContainer, _ command: String) async throws -> [String: Any] {
        let text = try await box.mustRun(command)
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ServiceTestFailure("not a JSON object from `\(command)`: \(text)")
        }
        return object
    }
}
