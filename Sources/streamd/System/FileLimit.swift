import Foundation
import Logging

/// Client connections each hold a descriptor; so do recordings (segment, playlist and its temporary
/// copy, poster, camera), the database pool, the journal, logs and NIO's event loops. The connection
/// cap is kept below the open-file limit by what everything else needs, so no flood of connections can
/// make a recording or the journal fail with EMFILE.
enum FileLimit {
    /// Descriptors kept for everything but client connections. Measured under the flood test: about 24
    /// with a pool of 2 and one recording (a recording holds ~6 at a time), so this leaves room to spare.
    static func reserve(maxSessions: Int, databasePoolSize: Int) -> Int {
        64 + 2 * databasePoolSize + 8 * maxSessions
    }

    /// Raises the soft RLIMIT_NOFILE to the hard limit, then returns `configured`, or less when the
    /// limit leaves less room (with a notice naming both). Throws when fewer than 16 connections fit.
    static func connectionCap(configured: Int, reserve: Int, logger: Logger) throws -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return configured }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let available = Int(clamping: limit.rlim_cur) - reserve
        guard available < configured else { return configured }
        guard available >= 16 else {
            throw ConfigError(
                key: "limits.max_connections",
                problem: "the open-file limit (\(limit.rlim_cur)) leaves room for \(max(available, 0)) connections after the \(reserve) descriptors kept for recordings, the database and the journal; raise LimitNOFILE (ulimit -n) or lower limits.max_sessions")
        }
        logger.notice("limits.max_connections lowered to fit the open-file limit", metadata: [
            "configured": "\(configured)", "max_connections": "\(available)", "nofile": "\(limit.rlim_cur)", "reserved": "\(reserve)",
        ])
        return available
    }
}
