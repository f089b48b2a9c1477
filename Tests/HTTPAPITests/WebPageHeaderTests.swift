import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Testing

/// What the server fills into the page and its policy: the node id the page compares sessions' `node`
/// with, and the other nodes' origins it may fetch from (§12).
@Suite("web page headers")
struct WebPageHeaderTests {
    @Test func pageCarriesItsNodeAndAllowsListedPeersOnly() async throws {
        let daemon = try TestDaemon(http: HTTPConfig(corsAllowWriteOrigins: ["https://node-b.example:8443/", "http://evil.example; script-src *"]))
        try await daemon.test { client in
            let page = try await client.send(.get, "/")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains(#"<meta name="streamd-node" content="test-node">"#))
            let csp = try #require(page.headers[.contentSecurityPolicy])
            #expect(csp.contains("connect-src 'self' https://node-b.example:8443;"), "CSP: \(csp)")
            #expect(csp.contains("media-src 'self' https://node-b.example:8443 blob:;"))
            #expect(csp.contains("img-src 'self' https://node-b.example:8443 data:;"))
            // A malformed entry never adds a directive, and scripts stay this origin's only.
            #expect(!csp.contains("evil") && csp.contains("script-src 'self';"), "CSP: \(csp)")
        }
    }

    @Test func nodeIdIsEscapedInTheAttribute() async throws {
        let daemon = try TestDaemon { $0.nodeId = #"a"b<c"# }
        try await daemon.test { client in
            let html = String(buffer: try await client.send(.get, "/").body)
            #expect(html.contains(#"<meta name="streamd-node" content="a&quot;b&lt;c">"#))
        }
    }
}
