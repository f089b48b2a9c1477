import ArgumentParser
import Foundation

/// `streamd nodes`: every node sharing the daemon's database (§12), from its heartbeat.
struct Nodes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the nodes sharing the database: public URL, version, last heartbeat, alive.")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let page = try await client.makeClient().nodes()
        if page.nodes.isEmpty {
            FileHandle.standardError.write(Data("no nodes have sent a heartbeat yet\n".utf8))
            return
        }
        print(Self.table(page.nodes), terminator: "")
    }

    static func table(_ nodes: [NodePage.Node]) -> String {
        let header = ["NODE", "ALIVE", "PUBLIC URL", "VERSION", "STARTED (UTC)", "LAST SEEN (UTC)"]
        let rows = nodes.map { n in
            [n.nodeId, n.alive ? "yes" : "NO", n.publicURL, n.version ?? "-", HumanUnits.timestamp(n.startedAt),
             HumanUnits.timestamp(n.lastSeenAt)]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in cell + String(repeating: " ", count: widths[column] - cell.count) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }.joined()
    }
}
