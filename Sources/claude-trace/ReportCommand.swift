import ClaudeTraceReport

/// `claude-trace report`: the dashboard of the Claude calls in OTLP-JSON files.
enum ReportCommand: Subcommand {
    static let name = "report"
    static let summary = "print the dashboard of the Claude calls in OTLP-JSON trace files"
    static let usage = """
        usage: claude-trace report [--json] [--since T] [--until T] FILE...

        Reads OTLP-JSON Lines files (ours or any OpenTelemetry SDK's; `-` is standard input) and
        prints calls, streamed calls, budget blocks, retries, errors by category, latency and
        time-to-first-token percentiles by model, cost by model, user, feature and day, top
        features with their feedback, and tokens: the figures the monitor's dashboard shows, read
        by the same rules. A Claude call is a span with gen_ai.provider.name (or the older
        gen_ai.system) = anthropic, in any case. Calls without a recorded cost are priced from
        the pricing table; a model it lacks shows its cost as unknown. Percentiles are over
        successful calls, in seconds. A truncated last line is reported, not fatal.

        options:
          --json       print one JSON object instead of the dashboard
          --since T    only spans that started at or after T (ISO 8601 date or time, or Unix seconds)
          --until T    only spans that started before T
        """

    static func run(_ arguments: [String]) async throws -> Int32 {
        let parsed = try Arguments(arguments, valued: ["--since", "--until"], flags: ["--json"])
        guard !parsed.positionals.isEmpty else { throw UsageError("name at least one FILE") }
        let timeRange: ReportTimeRange
        do {
            timeRange = try ReportTimeRange(since: parsed.options["--since"], until: parsed.options["--until"])
        } catch {
            throw UsageError("\(error)")
        }
        let report = try ClaudeCallReport.make(from: parsed.positionals, timeRange: timeRange)
        let files = parsed.positionals.joined(separator: ", ")
        guard report.file.spans > 0 else {
            let found = report.file.lines == 0
                ? "\(files) holds no line"
                : "none of the \(counted(report.file.lines, "line")) in \(files) holds a valid OTLP-JSON span"
            printError("claude-trace report: \(found)\(badLineSummary(report.file))")
            return 1
        }
        print(parsed.has("--json") ? report.jsonString() : report.dashboard())
        if report.file.badLines > 0 {
            printError("claude-trace report: skipped \(counted(report.file.badLines, "unreadable line"))\(badLineSummary(report.file))")
        }
        return 0
    }
}

/// `1 line`, `2 lines`.
func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

/// Why the first bad line was skipped, and whether the last one was cut off.
private func badLineSummary(_ file: ClaudeCallReport.FileSection) -> String {
    var text = ""
    if let first = file.badLineDetails.first { text += "; line \(first.line) of \(first.file): \(first.reason)" }
    if file.truncatedLastLine { text += " (the last line was truncated)" }
    return text
}

/// `claude-trace find`: the whole trace holding a span with a given id.
enum FindCommand: Subcommand {
    static let name = "find"
    static let summary = "print the whole trace that holds a request, message, trace or span id"
    static let usage = """
        usage: claude-trace find ID FILE...

        ID may be our request id (claude.request_id), the server's request id (req_…), a
        message id (msg_…), a trace id (32 hex digits) or a span id (16 hex digits). Prints every
        trace holding a span with that id as an indented tree, with durations, status and the
        key attributes of each span. Exits 1 when no span matches.
        """

    static func run(_ arguments: [String]) async throws -> Int32 {
        let parsed = try Arguments(arguments, valued: [], flags: [])
        guard parsed.positionals.count >= 2 else { throw UsageError("name an ID and at least one FILE") }
        let result = try TraceSearch.find(parsed.positionals[0], in: Array(parsed.positionals.dropFirst()))
        guard !result.traces.isEmpty else {
            print("no span matches \"\(parsed.positionals[0])\" in \(result.files.spans) spans")
            return 1
        }
        print(result.render())
        return 0
    }
}
