/// `POST /sessions` as the CLI sends it; absent fields take the server's defaults.
struct StartBody: Encodable, Sendable {
    var source: String
    var durationSec: Double?
    var postRollSec: Double?
    var device: String?
    var deviceId: String?
    /// The URL of a `pull` source.
    var url: String?
}
