import ArgumentParser

@main
struct StreamdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streamd",
        abstract: "Records video sessions (camera or test pattern) as HLS and serves them.",
        subcommands: [Serve.self, Record.self, Sessions.self, Detections.self, Nodes.self, Migrate.self, CheckConfig.self],
        defaultSubcommand: Serve.self)
}

/// `--config FILE`, shared by every command that reads the configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (default: $STREAMD_CONFIG; environment variables override it).")
    var config: String?

    func load() throws -> StreamdConfig {
        do {
            return try StreamdConfig.load(file: config)
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
    }
}
