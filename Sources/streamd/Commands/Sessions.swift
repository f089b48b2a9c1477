import ArgumentParser
import Foundation

/// Operator views of a running daemon's sessions.
struct Sessions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List sessions, show, close or delete one, from a running daemon (any node: requests for another node's session follow its redirect).",
        subcommands: [List.self, Show.self, Close.self, Delete.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sessions newest first, as a table.")

        @OptionGroup var client: ClientOptions

        @Option(name: .long, help: "At most this many sessions (1 to 500; the server's default is 50).")
        var limit: Int?

        @Option(name: .long, help: "Only sessions with this status: starting, recording, completed, failed, interrupted.")
        var status: String?

        @Option(name: .long, help: ArgumentHelp("Only sessions of this logical camera id.", valueName: "id"))
        var deviceId: String?

        func validate() throws {
            if let limit, !(1...500).contains(limit) { throw ValidationError("--limit must be from 1 to 500") }
        }

        func run() async throws {
            let page = try await client.makeClient().list(limit: limit, status: status, deviceId: deviceId)
            if page.sessions.isEmpty {
                FileHandle.standardError.write(Data("no sessions\n".utf8))
                return
            }
            print(Self.table(page.sessions), terminator: "")
        }

        /// Columns padded to their widest cell; numbers right-aligned so they compare at a glance.
        static func table(_ sessions: [SessionInfo]) -> String {
            let header = ["ID", "STATUS", "SOURCE", "DEVICE", "NODE", "CREATED (UTC)", "MEDIA", "SIZE"]
            let rightAligned: Set<Int> = [6, 7]
            let rows = sessions.map { s in
                [s.sessionId, s.status, s.source ?? "-", s.deviceId ?? "-", s.node ?? "-", HumanUnits.timestamp(s.createdAt),
                 HumanUnits.seconds(s.mediaDurationSec), HumanUnits.bytes(s.bytes)]
            }
            let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
            return ([header] + rows).map { row in
                row.enumerated().map { column, cell in
                    let padding = String(repeating: " ", count: widths[column] - cell.count)
                    return rightAligned.contains(column) ? padding + cell : cell + padding
                }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
            }.joined()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every field of one session, one per line.")

        @OptionGroup var client: ClientOptions

        @Argument(help: "The session id.")
        var id: String

        func run() async throws {
            print(Self.fields(try await client.makeClient().session(id)), terminator: "")
        }

        static func fields(_ s: SessionInfo) -> String {
            func text<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "-" }
            let pairs: [(String, String)] = [
                ("session_id", s.sessionId), ("status", s.status), ("device_id", text(s.deviceId)),
                ("stream_path", text(s.streamPath)), ("source", text(s.source)), ("device", text(s.device)),
                ("edge_start_ts", text(s.edgeStartTs)), ("edge_end_ts", text(s.edgeEndTs)),
                ("playlist_url", text(s.playlistUrl)), ("duration_sec", text(s.durationSec)),
                ("post_roll_sec", text(s.postRollSec)), ("width", text(s.width)), ("height", text(s.height)),
                ("fps", text(s.fps)), ("media_duration_sec", text(s.mediaDurationSec)),
                ("segment_count", text(s.segmentCount)), ("bytes", text(s.bytes)), ("error", text(s.error)),
                ("node", text(s.node)), ("created_at", text(s.createdAt)), ("updated_at", text(s.updatedAt)),
            ]
            let width = pairs.map { $0.0.count }.max() ?? 0
            return pairs.map { name, value in
                name + ":" + String(repeating: " ", count: width - name.count + 1) + value + "\n"
            }.joined()
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a recording now; prints the final row.")

        @OptionGroup var client: ClientOptions

        @Argument(help: "The session id.")
        var id: String

        func run() async throws {
            print(Show.fields(try await client.makeClient().close(id)), terminator: "")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an ended session's files and row.")

        @OptionGroup var client: ClientOptions

        @Argument(help: "The session id.")
        var id: String

        func run() async throws {
            try await client.makeClient().delete(id)
            FileHandle.standardError.write(Data("deleted \(id)\n".utf8))
        }
    }
}
