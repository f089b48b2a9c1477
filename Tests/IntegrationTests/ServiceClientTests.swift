import Foundation
import StreamdTestSupport
import Testing

/// The operator commands, run as a user would: `streamd record`, `streamd sessions`, `streamd check-config`.
@Suite(.serialized)
struct ServiceClientTests {
    @Test(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
    func recordPrintsAPlaylistOfTheAskedLength() async throws {
        let binary = try #require(ServiceTestEnvironment.binary)
        try await ServiceStorage.with { storage in
            // `record` uses the server's default size: keep it small through the daemon's config.
            try await ServiceDaemon.with(storage: storage, config: "media: {width: 320, height: 240}") { daemon in
                let result = try await ChildProcess.run(binary, [
                    "record", "--duration", "3", "--post-roll", "1", "--no-camera", "--server", daemon.baseURL,
                ], environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(60))
                #expect(result.status == 0, "record exited \(result.status): \(result.combined)")
                let url = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("playlist: ") }?
                    .dropFirst("playlist: ".count)).description
                #expect(url.hasPrefix(daemon.baseURL + "/") && url.hasSuffix("/index.m3u8"))
                #expect(result.output.contains("ffplay \(url)"))

                let path = String(url.dropFirst(daemon.baseURL.count))
                let response = try await daemon.request("GET", path)
                #expect(response.status == 200)
                let playlist = try HLSPlaylist(text: response.text, directory: storage.dataDirectory)
                #expect(playlist.hasEndList)
                #expect(abs(playlist.totalDuration - 4) <= 0.3, "media lasts \(playlist.totalDuration) s: \(playlist.text)")

                // The same session through the listing commands.
                let id = String(path.dropFirst().prefix { $0 != "/" })
                let list = try await ChildProcess.run(binary, ["sessions", "list", "--server", daemon.baseURL], timeout: .seconds(30))
                #expect(list.status == 0)
                #expect(list.output.split(separator: "\n").first?.hasPrefix("ID") == true)
                #expect(list.output.contains(id) && list.output.contains("completed"))
                let show = try await ChildProcess.run(binary, ["sessions", "show", id, "--server", daemon.baseURL], timeout: .seconds(30))
                #expect(show.status == 0)
                #expect(show.output.contains("status:") && show.output.contains("completed"))
                #expect(show.output.contains("playlist_url:") && show.output.contains(url))
            }
        }
    }

    @Test(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
    func recordReportsTheServersErrorMessage() async throws {
        let binary = try #require(ServiceTestEnvironment.binary)
        try await ServiceStorage.with { storage in
            try await ServiceDaemon.with(storage: storage) { daemon in
                // A camera that does not exist: the server refuses with a message the client must show.
                let result = try await ChildProcess.run(binary, [
                    "record", "--duration", "1", "--with-camera", "--camera-device", "/dev/video-missing", "--server", daemon.baseURL,
                ], timeout: .seconds(30))
                #expect(result.status != 0)
                #expect(result.errors.contains("/dev/video-missing"), "stderr: \(result.errors)")
            }
        }
    }

    @Test(.enabled(if: ServiceTestEnvironment.hasBinary, "STREAMD_BINARY is not set; run `make test`"))
    func checkConfigNamesAnUnknownKey() async throws {
        let binary = try #require(ServiceTestEnvironment.binary)
        let scratch = try ServiceTestEnvironment.scratchDirectory("streamd-config")
        defer { ServiceTestEnvironment.removeScratch(scratch) }
        let file = scratch.appendingPathComponent("bad.yaml")
        try "media:\n  widht: 320\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(binary, ["check-config", "--config", file.path], timeout: .seconds(30))
        #expect(result.status != 0)
        #expect(result.errors.contains("media.widht"), "stderr: \(result.errors)")
    }

    @Test(.enabled(if: ServiceTestEnvironment.hasBinary, "STREAMD_BINARY is not set; run `make test`"))
    func theShippedConfigIsValid() async throws {
        let binary = try #require(ServiceTestEnvironment.binary)
        var repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while repository.path != "/", !FileManager.default.fileExists(atPath: repository.appendingPathComponent("Package.swift").path) {
            repository.deleteLastPathComponent()
        }
        let shipped = repository.appendingPathComponent("etc/streamd/streamd.yaml")
        var environment = ProcessInfo.processInfo.environment
        for (name, _) in environment where name.hasPrefix("STREAMD_") { environment[name] = nil }
        let result = try await ChildProcess.run(binary, ["check-config", "--config", shipped.path], environment: environment, timeout: .seconds(30))
        #expect(result.status == 0, "\(result.combined)")
        #expect(result.output.contains("enabled: false"))
    }
}
