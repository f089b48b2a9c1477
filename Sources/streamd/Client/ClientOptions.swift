import ArgumentParser
import Foundation

/// `--server` and `--token` for the commands that talk to a running daemon.
struct ClientOptions: ParsableArguments {
    @OptionGroup var configuration: ConfigOption

    @Option(name: .long, help: ArgumentHelp("Base URL of the daemon (default: public_url from the configuration, else http://<listen>).", valueName: "url"))
    var server: String?

    @Option(name: .long, help: ArgumentHelp("Bearer token for the API (default: $STREAMD_API_TOKEN, else api_token from the configuration).", valueName: "token"))
    var token: String?

    /// The configuration is read only when --server or the token is not given, so a client on another
    /// machine needs no config file.
    func makeClient(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StreamdClient {
        let environmentToken = environment["STREAMD_API_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        var server = self.server
        var token = self.token ?? environmentToken
        if server == nil {
            let config = try configuration.load()
            server = config.effectivePublicURL
            token = token ?? config.apiToken
        }
        guard let server else { throw ValidationError("--server is required") }
        return try StreamdClient(server: server, token: token)
    }
}
