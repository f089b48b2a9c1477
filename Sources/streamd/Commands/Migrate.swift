import ArgumentParser
import Logging
import Sessions
import Store

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the database schema migrations and exit.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let config = try options.load()
        StreamdLogging.bootstrap(level: config.logLevel, repeatIntervalSec: config.logRepeatIntervalSec)
        let logger = Logger(label: "streamd.migrate")
        let pool = ConnectionPool(conninfo: config.databaseURL, size: 1, logger: logger)
        let applied = try await Store.migrate(pool: pool)
        print(applied.isEmpty ? "schema is up to date" : "applied migrations: \(applied.map(String.init).joined(separator: ", "))")
    }
}
