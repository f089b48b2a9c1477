import Sessions
/// Everything the store throws. Carries PostgreSQL's SQLSTATE and message plus the name of the
/// statement that failed, so a log line says which query broke and why.
public enum StoreError: Error, Sendable, Equatable {
    /// No connection could be opened (server down, bad conninfo, authentication). libpq's message.
    case connectionFailed(String)
    /// The connection broke while `statement` ran (server restart, network). The pool drops it and
    /// reconnects on the next use.
    case connectionLost(message: String, statement: String)
    /// SQLSTATE 23505: a row with this key exists.
    case duplicateKey(message: String, statement: String)
    /// Any other server-side failure.
    case queryFailed(sqlstate: String, message: String, statement: String)
    /// Text parameter `index` (0-based) holds a NUL byte; libpq would silently truncate it there.
    case invalidParameter(index: Int, statement: String)
    /// A column held NULL where a value was required, or text the Swift type cannot parse.
    case unexpectedValue(column: String, value: String?, statement: String)
    /// The result has no column of that name: the SQL and the Swift mapping disagree.
    case missingColumn(column: String, statement: String)
    /// Every connection is busy and `waiting` callers already queue for one.
    case poolExhausted(waiting: Int)
    /// The pool was shut down.
    case poolClosed

    /// The SQLSTATE the server reported, when there was one.
    public var sqlstate: String? {
        switch self {
        case .duplicateKey: "23505"
        case .queryFailed(let sqlstate, _, _): sqlstate
        default: nil
        }
    }

    /// The statement name the error happened in, when it happened in one.
    public var statement: String? {
        switch self {
        case .connectionLost(_, let statement), .duplicateKey(_, let statement),
             .queryFailed(_, _, let statement), .invalidParameter(_, let statement),
             .unexpectedValue(_, _, let statement), .missingColumn(_, let statement):
            statement
        case .connectionFailed, .poolExhausted, .poolClosed:
            nil
        }
    }
}

extension StoreError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .connectionFailed(let message):
            "cannot connect to PostgreSQL: \(message)"
        case .connectionLost(let message, let statement):
            "connection to PostgreSQL lost during \(statement): \(message)"
        case .duplicateKey(let message, let statement):
            "duplicate key in \(statement): \(message)"
        case .queryFailed(let sqlstate, let message, let statement):
            "\(statement) failed (SQLSTATE \(sqlstate)): \(message)"
        case .invalidParameter(let index, let statement):
            "parameter \(index + 1) of \(statement) contains a NUL byte, which PostgreSQL text cannot store"
        case .unexpectedValue(let column, let value, let statement):
            "\(statement): column \(column) holds \(value.map { "'\($0)'" } ?? "NULL"), which is not a valid value"
        case .missingColumn(let column, let statement):
            "\(statement) returned no column named \(column)"
        case .poolExhausted(let waiting):
            "all database connections are busy and \(waiting) requests already wait for one"
        case .poolClosed:
            "the database connection pool is shut down"
        }
    }
}

extension StoreError: RepositoryFailure {
    public var isDuplicateKey: Bool {
        if case .duplicateKey = self { return true }
        return false
    }
}
