import Logging

/// What every connection of one server shares.
struct RTSPServerContext: Sendable {
    let config: RTSPServerConfig
    let authority: any PublishAuthority
    let logger: Logger
    let udpAllocator: UDPPortAllocator
    let registry: ConnectionRegistry
}
