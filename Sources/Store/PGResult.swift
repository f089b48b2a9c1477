import CLibPQ

/// A Swift type that can be read from PostgreSQL's text result format.
public protocol PGTextDecodable {
    init?(pgText: String)
}

extension String: PGTextDecodable {
    public init?(pgText: String) { self = pgText }
}

extension Int: PGTextDecodable {
    public init?(pgText: String) { self.init(pgText, radix: 10) }
}

extension Int32: PGTextDecodable {
    public init?(pgText: String) { self.init(pgText, radix: 10) }
}

extension Int64: PGTextDecodable {
    public init?(pgText: String) { self.init(pgText, radix: 10) }
}

extension Double: PGTextDecodable {
    // PostgreSQL spells the specials Infinity/-Infinity/NaN; Double(String) accepts those too.
    public init?(pgText: String) { self.init(pgText) }
}

extension Bool: PGTextDecodable {
    public init?(pgText: String) {
        switch pgText {
        case "t": self = true
        case "f": self = false
        default: return nil
        }
    }
}

/// Owns one `PGresult` and clears it exactly once. Only successful results are ever wrapped for
/// callers; errors are turned into `StoreError` by `PGConnection` first.
public final class PGResult {
    private let handle: OpaquePointer
    /// The statement that produced it, for error messages.
    public let statement: String

    init(handle: OpaquePointer, statement: String) {
        self.handle = handle
        self.statement = statement
    }

    deinit {
        PQclear(handle)
    }

    var status: ExecStatusType { PQresultStatus(handle) }

    /// Reads a diagnostic field (`PG_DIAG_*`, which does not import: pass the ASCII code).
    func errorField(_ code: UInt8) -> String? {
        PQresultErrorField(handle, Int32(code)).map { String(cString: $0) }
    }

    public var rowCount: Int { Int(PQntuples(handle)) }
    public var columnCount: Int { Int(PQnfields(handle)) }

    /// Rows touched by INSERT/UPDATE/DELETE (PQcmdTuples), 0 when the command reports none.
    public var affectedRows: Int {
        guard let text = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    public func columnName(_ column: Int) -> String? {
        PQfname(handle, Int32(column)).map { String(cString: $0) }
    }

    /// The index of a column by its exact name. (PQfnumber would fold unquoted names to lower case,
    /// so `SHOW TimeZone`'s column could not be found by its own name.)
    public func columnIndex(_ name: String) throws(StoreError) -> Int {
        guard let index = columnIndexes[name] else {
            throw .missingColumn(column: name, statement: statement)
        }
        return index
    }

    /// Column names to indexes, made at the first lookup: rows are decoded by name, cell by cell.
    private lazy var columnIndexes: [String: Int] = {
        var indexes: [String: Int] = [:]
        for column in 0..<columnCount {
            if let name = columnName(column), indexes[name] == nil { indexes[name] = column }
        }
        return indexes
    }()

    /// The raw text of a cell; nil for SQL NULL (and for a cell outside the result).
    public func text(row: Int, column: Int) -> String? {
        guard row >= 0, row < rowCount, column >= 0, column < columnCount else { return nil }
        guard PQgetisnull(handle, Int32(row), Int32(column)) == 0 else { return nil }
        return PQgetvalue(handle, Int32(row), Int32(column)).map { String(cString: $0) }
    }

    /// A cell that may be NULL: nil for NULL, throws when the text is not a `T`.
    public func optional<T: PGTextDecodable>(_ type: T.Type, row: Int, column name: String) throws(StoreError) -> T? {
        let column = try columnIndex(name)
        guard let raw = text(row: row, column: column) else { return nil }
        guard let value = T(pgText: raw) else {
            throw .unexpectedValue(column: name, value: raw, statement: statement)
        }
        return value
    }

    /// A cell that must hold a `T`: throws for NULL or unparsable text.
    public func required<T: PGTextDecodable>(_ type: T.Type, row: Int, column name: String) throws(StoreError) -> T {
        guard let value = try optional(type, row: row, column: name) else {
            throw .unexpectedValue(column: name, value: nil, statement: statement)
        }
        return value
    }
}
