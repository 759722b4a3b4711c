import ClaudeTraceCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One subcommand of `claude-trace`.
protocol Subcommand: Sendable {
    static var name: String { get }
    static var summary: String { get }
    static var usage: String { get }
    /// Runs the command; returns the exit status.
    static func run(_ arguments: [String]) async throws -> Int32
}

@main
enum ClaudeTraceCommand {
    static let subcommands: [any Subcommand.Type] = [DemoCommand.self, AskCommand.self, ReportCommand.self, FindCommand.self]

    static var usage: String {
        let lines = subcommands.map { "  \($0.name.padded(to: 8)) \($0.summary)" }
        return """
            usage: claude-trace COMMAND [OPTIONS]

            Tracing for Claude calls: run a demo, make one traced call, read exported traces back.

            commands:
            \(lines.joined(separator: "\n"))

            Run `claude-trace COMMAND --help` for a command's options, `claude-trace --version` for the version.
            """
    }

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, !["--help", "-h", "help"].contains(name) else {
            print(usage)
            exit(arguments.isEmpty ? 2 : 0)
        }
        if ["--version", "-V", "version"].contains(name) {
            print("claude-trace \(Resource.sdkVersion)")
            exit(0)
        }
        guard let command = subcommands.first(where: { $0.name == name }) else {
            printError("claude-trace: unknown command \"\(name)\"\n\n\(usage)")
            exit(2)
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            print(command.usage)
            exit(0)
        }
        do {
            exit(try await command.run(rest))
        } catch let error as UsageError {
            printError("claude-trace \(name): \(error)\n\n\(command.usage)")
            exit(2)
        } catch {
            printError("claude-trace \(name): \(error)")
            exit(1)
        }
    }
}

/// Writes `text` and a newline to standard error.
func printError(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

extension String {
    func padded(to width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
