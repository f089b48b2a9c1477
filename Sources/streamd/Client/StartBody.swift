/// `POST /sessions` as the CLI sends it; absent fields take the server's defaults.
struct StartBody: Encodable, Sendable {
    var source: String
    var durationSec: Double?
    var postRollSec: Double?
    var device: String?
    var deviceId: String?
}
