import Logging
import Recorder
import ServiceLifecycle

/// Keeps systemd's watchdog fed while the daemon is healthy, and tells systemd when it starts stopping.
///
/// A ping is sent only after the session manager answered within the ping period: a wedged actor or a
/// starved cooperative pool stops the pings, and systemd restarts the daemon (`WatchdogSec=`), which then
/// finalizes what was left. The `STATUS=` line shows up in `systemctl status streamd`.
struct SystemdWatchdogService: Service {
    let notifier: SystemdNotifier?
    let manager: SessionManager
    let logger: Logger

    init(notifier: SystemdNotifier?, manager: SessionManager, logger: Logger = Logger(label: "streamd.systemd")) {
        self.notifier = notifier
        self.manager = manager
        self.logger = logger
    }

    func run() async throws {
        if let notifier, let interval = notifier.watchdogInterval {
            // Half the timeout, as sd_watchdog_enabled(3) recommends: one late ping is not yet fatal.
            let period = interval / 2
            logger.debug("systemd watchdog enabled", metadata: ["timeout": "\(interval)", "ping_every": "\(period)"])
            await cancelWhenGracefulShutdown {
                await pingUntilCancelled(notifier, period: period)
            }
        } else {
            do {
                try await gracefulShutdown()
            } catch {
                // Cancelled rather than shut down gracefully: the group is tearing down, nothing to announce.
                return
            }
        }
        notifier?.notify("STOPPING=1\nSTATUS=stopping: finalizing recordings")
    }

    private func pingUntilCancelled(_ notifier: SystemdNotifier, period: Duration) async {
        while !Task.isCancelled {
            let started = ContinuousClock.now
            if let active = await activeCount(within: period) {
                notifier.notify("WATCHDOG=1\nSTATUS=\(active) sessions recording")
            } else {
                logger.error("the session manager did not answer within the watchdog period; withholding the ping", metadata: ["period": "\(period)"])
            }
            do {
                try await Task.sleep(until: started + period, clock: .continuous)
            } catch {
                return
            }
        }
    }

    /// The manager's answer, or nil when it took longer than `limit` (the late answer is then ignored).
    private func activeCount(within limit: Duration) async -> Int? {
        let started = ContinuousClock.now
        let count = await manager.activeCount
        return ContinuousClock.now - started <= limit ? count : nil
    }
}
