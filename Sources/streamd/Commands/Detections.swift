import ArgumentParser
import Foundation

/// Operator view of the detections a running daemon holds.
struct Detections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search detections of a running daemon.",
        subcommands: [List.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Detections newest first (or one session's oldest first), as a table.")

        @OptionGroup var client: ClientOptions

        @Option(name: .long, help: "Only this label (person, car, motion, …).")
        var label: String?

        @Option(name: .customLong("device"), help: ArgumentHelp("Only detections of this device id.", valueName: "id"))
        var deviceId: String?

        @Option(name: .long, help: ArgumentHelp("Only this session's detections, oldest first.", valueName: "id"))
        var session: String?

        @Option(name: .long, help: ArgumentHelp("From this time (ISO 8601 or epoch ms).", valueName: "time"))
        var from: String?

        @Option(name: .long, help: ArgumentHelp("Up to this time (ISO 8601 or epoch ms).", valueName: "time"))
        var to: String?

        @Option(name: .long, help: "Only detections at least this confident (0 to 1).")
        var minConfidence: Double?

        @Option(name: .long, help: "At most this many (1 to 1000; the server's default is 100).")
        var limit: Int?

        @Option(name: .long, help: ArgumentHelp("The cursor a previous page printed.", valueName: "cursor"))
        var cursor: String?

        @Flag(name: .long, help: "Print each detection's playback URL.")
        var urls = false

        func validate() throws {
            if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be from 1 to 1000") }
            if let minConfidence, !(0...1).contains(minConfidence) { throw ValidationError("--min-confidence must be from 0 to 1") }
            if session != nil, deviceId != nil || from != nil || to != nil {
                throw ValidationError("--session takes only --label, --min-confidence, --limit and --cursor")
            }
        }

        func run() async throws {
            let page = try await client.makeClient().detections(
                session: session, label: label, deviceId: deviceId, from: from, to: to, minConfidence: minConfidence,
                limit: limit, cursor: cursor)
            if page.detections.isEmpty {
                FileHandle.standardError.write(Data("no detections\n".utf8))
            } else {
                print(Self.table(page.detections, urls: urls), terminator: "")
            }
            if let next = page.nextBefore ?? page.nextAfter {
                FileHandle.standardError.write(Data("more: --cursor \(next)\n".utf8))
            }
        }

        static func table(_ detections: [DetectionInfo], urls: Bool) -> String {
            var header = ["TIME (UTC)", "LABEL", "CONF", "DEVICE", "SESSION", "OFFSET", "ID"]
            if urls { header.append("PLAYBACK") }
            let rightAligned: Set<Int> = [2, 5]
            let rows = detections.map { d in
                var row = [HumanUnits.timestamp(d.ts), d.label, d.confidence.map { String(format: "%.2f", $0) } ?? "-",
                           d.deviceId ?? "-", d.sessionId, HumanUnits.seconds(d.offsetSec), d.id]
                if urls { row.append(d.playbackUrl ?? "-") }
                return row
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
}
