import Foundation

/// Runs a command to completion under a deadline, stdout and stderr collected in files (a pipe could
/// fill and stall the child).
enum ChildProcess {
    struct Result: Sendable {
        let status: Int32
        let output: String
        let errors: String
        var combined: String { output + errors }
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    timeout: Duration = .seconds(60)) async throws -> Result {
        let scratch = try ServiceTestEnvironment.scratchDirectory("streamd-child")
        defer { ServiceTestEnvironment.removeScratch(scratch) }
        let outFile = scratch.appendingPathComponent("out"), errFile = scratch.appendingPathComponent("err")
        guard FileManager.default.createFile(atPath: outFile.path, contents: nil) else { throw ServiceTestFailure("cannot create \(outFile.path)") }
        guard FileManager.default.createFile(atPath: errFile.path, contents: nil) else { throw ServiceTestFailure("cannot create \(errFile.path)") }
        let out = try FileHandle(forWritingTo: outFile), err = try FileHandle(forWritingTo: errFile)
        defer {
            for handle in [out, err] {
                do { try handle.close() } catch { print("cannot close a child's output file: \(error)") }
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let exited = await waitForExit(process, timeout: timeout)
        if !exited {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let output = try String(contentsOf: outFile, encoding: .utf8)
        let errors = try String(contentsOf: errFile, encoding: .utf8)
        guard exited else {
            throw ServiceTestFailure("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)\nstdout: \(output)\nstderr: \(errors)")
        }
        return Result(status: process.terminationStatus, output: output, errors: errors)
    }

    /// True when the process ended within `timeout`; polled, so no cooperative thread blocks in wait().
    static func waitForExit(_ process: Process, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return false }
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                return !process.isRunning
            }
        }
        return true
    }

    /// `psql` against a conninfo, failing on the first SQL error; returns the unaligned, tuples-only output.
    static func psql(_ conninfo: String, _ sql: String) async throws -> String {
        let result = try await run("/usr/bin/env", ["psql", conninfo, "-v", "ON_ERROR_STOP=1", "-qtAc", sql], timeout: .seconds(30))
        guard result.status == 0 else { throw ServiceTestFailure("psql \(sql) exited \(result.status): \(result.combined)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
