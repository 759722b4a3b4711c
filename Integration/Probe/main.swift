// The integration suite's driver: `integration-probe COMMAND ARGS…`. Each peer's commands live
// in a file of their own (OTLPProbe.swift, ClaudeProbe.swift).
#if canImport(Glibc)
import Glibc
#endif

typealias ProbeCommand = @Sendable ([String]) async throws -> Void

let commands: [String: ProbeCommand] = otlpCommands.merging(claudeCommands) { first, _ in first }.merging(metricsCommands) { first, _ in first }
let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let command = commands[name] else {
    print("usage: integration-probe COMMAND ARGS…\ncommands: \(commands.keys.sorted().joined(separator: ", "))")
    exit(2)
}
do {
    try await command(Array(arguments.dropFirst()))
} catch {
    print("integration-probe \(name) failed: \(error)")
    exit(1)
}
