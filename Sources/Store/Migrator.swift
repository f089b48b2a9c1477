import Logging

/// Serializes migrations across every daemon sharing the database: "streamd" in ASCII.
let migrationLockKey: Int64 = 0x73_7472_6561_6D64

/// Applies the migrations that are not yet recorded in `schema_migrations`, in version order, in
/// one transaction under a transaction-scoped advisory lock, so two daemons starting at once
/// never race: the second waits, then finds nothing left to do. Returns the versions it applied.
/// Used at start and by `streamd migrate`.
@discardableResult
public func migrate(
    pool: ConnectionPool, migrations: [Migration] = Migration.all, logger: Logger = Logger(label: "streamd.store")
) async throws -> [Int] {
    let ordered = migrations.sorted { $0.version < $1.version }
    let applied = try await pool.withConnection(statement: "migrate") { connection, _ in
        // Retrying after a lost connection is safe: the transaction either committed (the retry
        // then finds every version recorded) or rolled back.
        try applyPending(ordered, on: connection)
    }
    for version in applied {
        let name = ordered.first { $0.version == version }?.name ?? ""
        logger.info("applied database migration", metadata: ["version": "\(version)", "name": "\(name)"])
    }
    return applied
}

private func applyPending(_ migrations: [Migration], on connection: PGConnection) throws -> [Int] {
    try connection.executeScript("BEGIN", statement: "migrate_begin")
    // Lock first: even creating schema_migrations races when two daemons do it at once.
    try connection.execute(
        "SELECT pg_advisory_xact_lock($1::bigint)", [String(migrationLockKey)], statement: "migrate_lock")
    try connection.executeScript("""
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """, statement: "migrate_bookkeeping")
    let recorded = try connection.execute("SELECT version FROM schema_migrations", statement: "migrate_read")
    var done = Set<Int>()
    for row in 0..<recorded.rowCount {
        done.insert(try recorded.required(Int.self, row: row, column: "version"))
    }
    var applied: [Int] = []
    for migration in migrations where !done.contains(migration.version) {
        let statement = "migration \(migration.version) \(migration.name)"
        try connection.executeScript(migration.sql, statement: statement)
        try connection.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            [String(migration.version), migration.name], statement: statement)
        applied.append(migration.version)
    }
    // A failure above leaves the transaction open; the pool rolls it back before reuse.
    try connection.executeScript("COMMIT", statement: "migrate_commit")
    return applied
}
