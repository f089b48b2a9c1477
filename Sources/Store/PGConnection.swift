import Foundation
import CLibPQ
import Logging

/// Owns one `PGconn`. Every call blocks, so a connection lives on one serial queue of the
/// `ConnectionPool` and is never used by two threads at once; it is deliberately not `Sendable`.
public final class PGConnection {
    /// Used when the conninfo sets no `connect_timeout`: libpq would otherwise wait forever.
    public static let defaultConnectTimeoutSeconds = 5

    private let handle: OpaquePointer
    private let noticeSink: NoticeSink

    /// Connects now. `conninfo` is a libpq key=value string or URI; `overrides` (e.g. `dbname`)
    /// win over it. Throws `.connectionFailed` with libpq's message; the half-open `PGconn` is
    /// finished either way.
    public init(conninfo: String, overrides: [String: String] = [:], logger: Logger = Logger(label: "streamd.store")) throws(StoreError) {
        // With expand_dbname, entries before `dbname` are defaults the conninfo can override, and
        // entries after it override the conninfo.
        var keywords = ["connect_timeout", "application_name", "dbname"]
        var values = [String(Self.defaultConnectTimeoutSeconds), "streamd", conninfo]
        for key in overrides.keys.sorted() {
            keywords.append(key)
            values.append(overrides[key] ?? "")
        }
        guard !(keywords + values).contains(where: { $0.utf8.contains(0) }) else {
            throw .connectionFailed("the connection string contains a NUL byte")
        }
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers + [nil], valuePointers + [nil], 1)
            }
        }
        guard let connection else { throw .connectionFailed("libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.message(PQerrorMessage(connection))
            PQfinish(connection)
            throw .connectionFailed(message)
        }
        handle = connection
        noticeSink = NoticeSink(logger: logger)
        // Without a processor libpq prints NOTICE/WARNING to stderr, outside the daemon's log.
        PQsetNoticeProcessor(handle, { context, message in
            guard let context, let message else { return }
            Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue().log(String(cString: message))
        }, Unmanaged.passUnretained(noticeSink).toOpaque())
        // Throwing from here on still runs deinit (self is fully initialized), so PQfinish happens.
        // timestamptz text depends on the session time zone; the store reads epochs, but anything
        // else reading text (psql-style debugging, future queries) should see UTC.
        try executeScript("SET TIME ZONE 'UTC'", statement: "set_time_zone")
    }

    deinit {
        PQfinish(handle)
    }

    /// False once libpq noticed the socket broke; such a connection is dropped, not reused.
    public var isUsable: Bool { PQstatus(handle) == CONNECTION_OK }

    /// True when no transaction is open (or failed) on this connection.
    public var isIdle: Bool { PQtransactionStatus(handle) == PQTRANS_IDLE }

    /// Runs one parameterized statement (`$1`, `$2`, … as text; nil is SQL NULL).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = [], statement: String) throws(StoreError) -> PGResult {
        if let index = parameters.firstIndex(where: { $0?.utf8.contains(0) ?? false }) {
            throw .invalidParameter(index: index, statement: statement)
        }
        let result = withOptionalCStringArray(parameters) { pointers in
            PQexecParams(handle, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        return try check(result, statement: statement)
    }

    /// Runs SQL text with no parameters through the simple protocol, which allows several
    /// statements at once (migrations, DDL). Never pass user data here.
    @discardableResult
    public func executeScript(_ sql: String, statement: String) throws(StoreError) -> PGResult {
        try check(PQexec(handle, sql), statement: statement)
    }

    private func check(_ raw: OpaquePointer?, statement: String) throws(StoreError) -> PGResult {
        guard let raw else {
            // A NULL result means out of memory or a dead connection; both end this connection.
            throw .connectionLost(message: Self.message(PQerrorMessage(handle)), statement: statement)
        }
        let result = PGResult(handle: raw, statement: statement)
        switch result.status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return result
        default:
            let sqlstate = result.errorField(UInt8(ascii: "C")) ?? ""
            let message = result.errorField(UInt8(ascii: "M")) ?? Self.message(PQerrorMessage(handle))
            // 08xxx connection exceptions and 57P0x shutdown/crash arrive just before the socket
            // closes; libpq may still report CONNECTION_OK until it reads the EOF.
            if !isUsable || sqlstate.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlstate) {
                throw .connectionLost(message: message, statement: statement)
            }
            if sqlstate == "23505" {
                throw .duplicateKey(message: message, statement: statement)
            }
            throw .queryFailed(sqlstate: sqlstate, message: message, statement: statement)
        }
    }

    private static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown libpq error" }
        let message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        return message.isEmpty ? "unknown libpq error" : message
    }
}

/// What the notice processor's context pointer refers to; kept alive by the connection, which
/// outlives the `PGconn` it is registered on (PQfinish runs in deinit, before members are freed).
private final class NoticeSink {
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func log(_ raw: String) {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("WARNING") {
            logger.warning("postgres: \(text)")
        } else {
            logger.notice("postgres: \(text)")
        }
    }
}

/// C string pointers for `strings`, valid only inside `body` (nested `withCString` scopes, so
/// nothing is allocated by hand and nothing can leak).
private func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    withOptionalCStringArray(strings.map { Optional($0) }, body)
}

private func withOptionalCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(strings.count)
    func next(_ index: Int) -> R {
        guard index < strings.count else { return body(pointers) }
        guard let string = strings[index] else {
            pointers.append(nil)
            return next(index + 1)
        }
        return string.withCString { pointer in
            pointers.append(pointer)
            return next(index + 1)
        }
    }
    return next(0)
}
