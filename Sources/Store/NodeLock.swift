import Dispatch
import Foundation
import Logging
import Sessions

/// Makes a `node_id` exclusive across every daemon sharing the database: a session-level advisory
/// lock on a dedicated connection, held for the life of the process (PostgreSQL releases it when
/// the connection ends, so a killed daemon never leaves it behind). The connection lives on its own
/// serial queue: libpq blocks, and must stay off the cooperative pool.
/// `@unchecked Sendable` because `connection` is confined to `queue`, which the compiler cannot see.
public final class NodeLock: @unchecked Sendable {
    /// Where the lock stands after `ensure()`.
    public enum State: Sendable, Equatable {
        /// This process holds it, on a connection that just answered.
        case held
        /// Another running daemon holds it; `holder` describes that process as PostgreSQL sees it.
        case heldElsewhere(holder: String)
        /// The database cannot be reached: nobody can take the lock now, we will try again.
        case databaseUnavailable(String)
    }

    public let nodeId: String
    private let conninfo: String
    /// Names our connection in `pg_stat_activity`, so a second daemon's error message can say who
    /// holds the node, and so we recognise a stale connection of our own after a network loss.
    private let applicationName: String
    /// The host part of `applicationName`, to recognise a holder left by an earlier run on this host.
    private let host: String
    private let logger: Logger
    private let queue = DispatchQueue(label: "streamd.store.node-lock")
    /// Confined to `queue`; non-nil only while it holds the lock.
    private var connection: PGConnection?

    public init(conninfo: String, nodeId: String, logger: Logger = Logger(label: "streamd.store")) {
        self.conninfo = conninfo
        self.nodeId = nodeId
        self.logger = logger
        var host = ProcessInfo.processInfo.hostName
        if host.utf8.count > 32 { host = String(decoding: host.utf8.prefix(32), as: UTF8.self) }
        self.host = host
        // The random tag tells this lock's connections from any other's, even in the same process.
        // PostgreSQL keeps 63 bytes of the name (NAMEDATALEN - 1).
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        applicationName = String(decoding: "streamd pid \(getpid()) on \(host) #\(tag)".utf8.prefix(63), as: UTF8.self)
    }

    /// Takes the lock when it is not held yet (at start, or after the database came back), or
    /// checks that the connection holding it still answers.
    public func ensure() async -> State {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.ensureOnQueue()) }
        }
    }

    /// Ends the connection, and so the lock (graceful shutdown, tests).
    public func release() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.connection = nil
                continuation.resume()
            }
        }
    }

    private static let key = "hashtextextended('streamd-node:' || $1, 0)"

    private func ensureOnQueue() -> State {
        dispatchPrecondition(condition: .onQueue(queue))
        if let connection {
            do {
                try connection.execute("SELECT 1", statement: "node_lock_check")
                return .held
            } catch {
                // The server ended the session, and with it the lock: take it again on a new connection.
                self.connection = nil
                logger.warning("lost the database connection holding the node lock; taking the lock again",
                               metadata: ["node_id": "\(nodeId)", "error": "\(error)"])
            }
        }
        let fresh: PGConnection
        do {
            fresh = try PGConnection(conninfo: conninfo, overrides: ["application_name": applicationName], logger: logger)
        } catch {
            return .databaseUnavailable("\(error)")
        }
        // A node whose machine died without closing its socket would keep its lock until the server
        // notices: with these, within about 25 s instead of the kernel's two hours (TCP only).
        do {
            try fresh.executeScript(
                "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3",
                statement: "node_lock_keepalives")
        } catch {
            logger.debug("cannot set keepalives on the node lock's connection", metadata: ["error": "\(error)"])
        }
        do {
            // Twice at most: the first refusal may come from a connection of our own that the server
            // has not yet noticed is gone (a network loss); that one is ended and the lock taken again.
            for _ in 0..<2 {
                if try take(on: fresh) {
                    connection = fresh
                    return .held
                }
                guard let holder = try currentHolder(on: fresh) else { continue }
                guard holder.applicationName == applicationName || isLeftByEndedProcessOnThisHost(holder) else {
                    return .heldElsewhere(holder: holder.description)
                }
                logger.warning("ending a stale database connection that still holds the node lock",
                               metadata: ["node_id": "\(nodeId)", "backend_pid": "\(holder.pid)", "holder": "\(holder.applicationName)"])
                try fresh.execute("SELECT pg_terminate_backend($1::integer)", [String(holder.pid)], statement: "node_lock_terminate_stale")
            }
            return .heldElsewhere(holder: "another session of the database")
        } catch {
            return .databaseUnavailable("\(error)")
        }
    }

    /// A holder named `streamd pid P on <this host> #…` whose process P no longer runs: the connection of
    /// an earlier run of this machine (killed, or the machine restarted) that the server has not yet
    /// noticed is gone. A holder on another host is never second-guessed.
    private func isLeftByEndedProcessOnThisHost(_ holder: Holder) -> Bool {
        let prefix = "streamd pid "
        guard holder.applicationName.hasPrefix(prefix) else { return false }
        let rest = holder.applicationName.dropFirst(prefix.count)
        guard let space = rest.firstIndex(of: " "), let pid = Int32(rest[..<space]), pid != getpid(),
              rest[space...].hasPrefix(" on \(host) #")
        else { return false }
        return kill(pid, 0) == -1 && errno == ESRCH
    }

    private func take(on connection: PGConnection) throws(StoreError) -> Bool {
        let result = try connection.execute("SELECT pg_try_advisory_lock(\(Self.key)) AS taken", [nodeId], statement: "node_lock_take")
        return try result.required(Bool.self, row: 0, column: "taken")
    }

    private struct Holder: CustomStringConvertible {
        let pid: Int
        let applicationName: String
        let client: String
        let since: Date

        var description: String {
            "\(applicationName.isEmpty ? "a client" : applicationName) (backend pid \(pid), from \(client), connected since \(since.iso8601Milliseconds))"
        }
    }

    /// Who holds the lock now; nil when nobody does (it was released between the two queries).
    private func currentHolder(on connection: PGConnection) throws(StoreError) -> Holder? {
        // A bigint advisory key is stored as classid (high 32 bits) and objid (low 32 bits), objsubid 1.
        let result = try connection.execute("""
            SELECT a.pid, coalesce(a.application_name, '') AS application_name,
                   coalesce(host(a.client_addr), 'a local socket') AS client,
                   (extract(epoch FROM a.backend_start) * 1000)::bigint AS since_ms
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((l.classid::bigint << 32) | l.objid::bigint) = \(Self.key)
            LIMIT 1
            """, [nodeId], statement: "node_lock_holder")
        guard result.rowCount > 0 else { return nil }
        return Holder(
            pid: try result.required(Int.self, row: 0, column: "pid"),
            applicationName: try result.required(String.self, row: 0, column: "application_name"),
            client: try result.required(String.self, row: 0, column: "client"),
            since: Date(epochMilliseconds: try result.optional(Int64.self, row: 0, column: "since_ms") ?? 0))
    }
}
