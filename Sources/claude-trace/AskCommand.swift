#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeTrace

/// `claude-trace ask`: one traced call to Claude over HTTP.
enum AskCommand: Subcommand {
    static let name = "ask"
    static let summary = "make one traced call to Claude and print the reply with its tokens, cost and latency"
    static let usage = """
        usage: claude-trace ask [--model M] [--stream] [--user U] [--feature F] [--max-tokens N] [--out FILE] PROMPT

        Sends PROMPT to the Messages API (ANTHROPIC_API_KEY; ANTHROPIC_BASE_URL if set), prints
        the reply, then one line with tokens, cost, latency, time to first token and the request
        ids. The call's span goes to FILE when --out is given, else to the collector named by
        OTEL_EXPORTER_OTLP_ENDPOINT when set. Exits 1 with the error's category and message when
        the call fails.

        options:
          --model M        the model (default claude-sonnet-4-6)
          --stream         stream the reply as it arrives
          --user U         attribute the call to user U (user.id)
          --feature F      attribute the call to feature F (claude.feature)
          --max-tokens N   the reply's token limit (default 1024)
          --out FILE       append the span to FILE as OTLP-JSON Lines
        """

    static func run(_ arguments: [String]) async throws -> Int32 {
        let parsed = try Arguments(
            arguments, valued: ["--model", "--user", "--feature", "--max-tokens", "--out"], flags: ["--stream"])
        let prompt = parsed.positionals.joined(separator: " ")
        guard !prompt.isEmpty else { throw UsageError("give a PROMPT") }
        let maxTokens = try parsed.integer("--max-tokens", default: 1024, in: 1...1_000_000)
        let environment = EnvironmentReader()
        guard environment.string("ANTHROPIC_API_KEY") != nil else { throw UsageError("set ANTHROPIC_API_KEY") }

        var exporters: [TraceExporterChoice] = []
        if let path = parsed.options["--out"] { exporters.append(.file(path)) }
        if environment.string("OTEL_EXPORTER_OTLP_ENDPOINT") != nil || environment.string("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != nil {
            exporters.append(.otlp())
        }
        let telemetry = try Telemetry.bootstrap(
            serviceName: environment.string("OTEL_SERVICE_NAME") == nil ? "claude-trace-ask" : nil,
            exporters: exporters.isEmpty ? [.none] : exporters)

        let claude = ClaudeClient()
        let request = ClaudeMessageRequest(
            model: parsed.options["--model"] ?? "claude-sonnet-4-6", maxTokens: maxTokens, messages: [.user(prompt)])
        let attribution = ClaudeAttribution(userID: parsed.options["--user"], feature: parsed.options["--feature"])
        let start = MonotonicClock.nanoseconds()
        var firstToken: UInt64?
        let status: Int32
        do {
            let response: ClaudeMessageResponse
            if parsed.has("--stream") {
                let stream = claude.streamMessage(request, attribution: attribution)
                for try await event in stream {
                    guard case .contentBlockDelta(_, .text(let text)) = event else { continue }
                    if firstToken == nil { firstToken = MonotonicClock.nanoseconds() }
                    writeStandardOutput(text)
                }
                writeStandardOutput("\n")
                response = try await stream.finalMessage()
            } else {
                response = try await claude.createMessage(request, attribution: attribution)
                writeStandardOutput(response.text + "\n")
            }
            let seconds = { (end: UInt64) in formatSeconds(Double(end - start) / 1e9) }
            let usage = response.usage
            writeStandardOutput("""
                --- tokens in \(usage.inputTokens) (cache read \(usage.cacheReadInputTokens), cache write \(usage.cacheCreationInputTokens)) \
                out \(usage.outputTokens) · cost \(response.costUSD.map { "$" + formatUSD($0) } ?? "unknown") \
                · latency \(seconds(MonotonicClock.nanoseconds())) · ttft \(firstToken.map(seconds) ?? "n/a") \
                · request \(response.requestID) · server \(response.serverRequestID ?? "none")

                """)
            status = 0
        } catch let error as ClaudeError {
            printError("claude-trace ask: \(error.category): \(error.message) (request \(error.requestID)\(error.serverRequestID.map { ", server \($0)" } ?? ""))")
            status = 1
        }
        await telemetry.shutdown()
        return status
    }
}

func formatSeconds(_ seconds: Double) -> String {
    "\((seconds * 1000).rounded() / 1000)s"
}

/// Writes `text` to standard output at once (unbuffered, so a stream shows as it arrives).
func writeStandardOutput(_ text: String) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        guard written > 0 else { return }
        offset += written
    }
}
