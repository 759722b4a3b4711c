#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeTrace
import Foundation

/// `claude-trace demo`: the main job. Traced Claude traffic with failures, exported to a file
/// (and a collector when one is configured), then the monitor's dashboard.
enum DemoCommand: Subcommand {
    static let name = "demo"
    static let summary = "run a traced Claude workload and print the monitor's dashboard"
    static let usage = """
        usage: claude-trace demo [--calls N] [--out FILE] [--live] [--seed N] [--snapshot FILE]
                                 [--metrics-out FILE] [--prometheus-out FILE]

        Runs a realistic workload of Claude calls (several users, features and models, plain and
        streaming, nested under request spans) with a few failures: a 429 then a retry that
        succeeds, a 529 on every attempt, a prompt too long, and a call blocked by a per-user
        budget. Spans go to FILE as OTLP-JSON Lines and, when OTEL_EXPORTER_OTLP_ENDPOINT is set,
        to that collector too, with the GenAI metrics (to /v1/metrics). Prints the monitor's
        dashboard at the end.

        By default Claude is simulated in process: no API key, no network.

        options:
          --calls N   ordinary calls to make (default 40), besides the failure cases
          --out FILE  the JSON Lines file to write (default traces.jsonl; replaced)
          --live      call the real API with ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL if set)
          --seed N    seed for the workload and the simulated replies (default 1)
          --snapshot FILE  also write the monitor's final snapshot to FILE as JSON
          --metrics-out FILE     also write the metrics as OTLP-JSON Lines to FILE (replaced)
          --prometheus-out FILE  write the final metrics in the Prometheus text format to FILE
        """

    /// The per-user daily budget the heavy user runs into.
    static let perUserDailyLimitUSD = 0.25
    /// The most calls the heavy user makes; the budget blocks one long before.
    static let budgetCallLimit = 12

    static func run(_ arguments: [String]) async throws -> Int32 {
        let parsed = try Arguments(arguments, valued: ["--calls", "--out", "--seed", "--snapshot", "--metrics-out", "--prometheus-out"], flags: ["--live"])
        guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument \"\(parsed.positionals[0])\"") }
        let calls = try parsed.integer("--calls", default: 40, in: 1...1_000_000)
        let seed = UInt64(try parsed.integer("--seed", default: 1, in: 0...Int.max))
        let path = parsed.options["--out"] ?? "traces.jsonl"
        let live = parsed.has("--live")
        let environment = EnvironmentReader()
        if live && environment.string("ANTHROPIC_API_KEY") == nil {
            throw UsageError("--live needs ANTHROPIC_API_KEY")
        }
        // Every file the demo writes is emptied now, so a path it cannot write fails before the run.
        try startFile(path, for: "--out")
        for option in ["--metrics-out", "--snapshot", "--prometheus-out"] {
            if let file = parsed.options[option] { try startFile(file, for: option) }
        }

        let monitor = ClaudeMonitor(MonitorConfiguration(
            budget: BudgetConfiguration(dailyLimitUSD: 100, perUserDailyLimitUSD: perUserDailyLimitUSD, perRequestWarningUSD: 0.05),
            alertRules: [.errorRate(above: 0.2, minimumCalls: 5), .highCostRequest(aboveUSD: 0.1)],
            alertHandler: { alert in printError("  alert [\(alert.severity)] \(alert.rule): \(alert.message)") }))
        var exporters: [TraceExporterChoice] = [.file(path)]
        let collector = environment.string("OTEL_EXPORTER_OTLP_ENDPOINT") != nil || environment.string("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != nil
        if collector { exporters.append(.otlp()) }
        // Metrics go wherever the environment says (to the collector when its endpoint is set);
        // --metrics-out and --prometheus-out add a file and a scrape-less Prometheus rendering.
        var metrics = MetricsConfiguration()
        if let metricsPath = parsed.options["--metrics-out"] {
            var choices = MetricExporterChoice.fromEnvironment(environment) ?? (environment.string("OTEL_EXPORTER_OTLP_ENDPOINT") != nil || environment.string("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") != nil ? [.otlp()] : [])
            choices.append(.file(metricsPath))
            metrics.exporters = choices
        }
        let telemetry = try Telemetry.bootstrap(
            serviceName: environment.string("OTEL_SERVICE_NAME") == nil ? "claude-trace-demo" : nil,
            exporters: exporters, monitor: monitor, metrics: metrics)
        // --prometheus-out needs a meter provider even when nothing exports metrics.
        let meters = telemetry.meterProvider ?? (parsed.options["--prometheus-out"] != nil ? MeterProvider(resource: telemetry.provider.resource) : nil)
        if let meters, telemetry.meterProvider == nil { MeterProvider.setGlobal(meters) }

        let simulator = SimulatedClaude(configuration: .init(seed: seed, timeScale: 0.1))
        let claude = live ? ClaudeClient() : ClaudeClient.simulated(simulator)
        let failureCases = live ? 0 : DemoWorkload.failureCalls.count
        let progress = Progress(total: calls + failureCases + budgetCallLimit)

        // The number of calls is only known at the end (the heavy user's last one is the one the
        // budget blocks): the header says what is planned, the progress and dashboard count calls.
        var plan = [counted(calls, "ordinary call")]
        if failureCases > 0 { plan.append(counted(failureCases, "failure case")) }
        let planned = plan.joined(separator: ", ") + " and a heavy user's calls until the budget blocks one"
        writeStandardOutput("claude-trace demo: \(planned), \(live ? "to the live API" : "to a simulated Claude") → \(path)\(exporters.count > 1 ? " and the OTLP collector" : "")\n")
        let ordinary = DemoWorkload.ordinaryCalls(count: calls, seed: seed)
        await withTaskGroup(of: Void.self) { group in
            var next = ordinary.makeIterator()
            for _ in 0..<4 {
                guard let call = next.next() else { break }
                group.addTask { await perform(call, with: claude, simulator: nil, progress: progress) }
            }
            while await group.next() != nil {
                if let call = next.next() {
                    group.addTask { await perform(call, with: claude, simulator: nil, progress: progress) }
                }
            }
        }
        for call in DemoWorkload.failureCalls where !live {
            await perform(call, with: claude, simulator: simulator, progress: progress)
        }
        for call in DemoWorkload.budgetCalls(limit: budgetCallLimit) {
            if await perform(call, with: claude, simulator: nil, progress: progress) == .budgetExceeded { break }
        }
        progress.finish()

        // The state rules once more, on the final figures: the dashboard then shows every alert
        // they hold (each rule fires once per cooldown, however often it is asked).
        telemetry.monitor.evaluateAlerts()
        await telemetry.shutdown()
        if let prometheusPath = parsed.options["--prometheus-out"], let meters {
            try meters.prometheusText().write(toFile: prometheusPath, atomically: true, encoding: .utf8)
        }
        let snapshot = telemetry.monitor.snapshot()
        if let snapshotPath = parsed.options["--snapshot"] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(snapshot).write(to: URL(fileURLWithPath: snapshotPath))
        }
        print("")
        print(snapshot.dashboard())
        print("")
        print("Traces: \(path) (read it back with `claude-trace report \(path)`; find one call with `claude-trace find ID \(path)`).")
        return 0
    }

    /// One request of the app: a server span, a child for loading context, then the Claude call.
    @discardableResult
    static func perform(
        _ call: DemoWorkload.Call, with claude: ClaudeClient, simulator: SimulatedClaude?, progress: Progress
    ) async -> ClaudeErrorCategory? {
        if let simulator, let failure = call.failure {
            simulator.script(failure.failure, model: call.model, times: failure.times)
        }
        let request = ClaudeMessageRequest(model: call.model, maxTokens: 400, messages: [.user(call.prompt)])
        let attribution = ClaudeAttribution(userID: call.user, feature: call.feature)
        return await withSpan("POST /\(call.feature)", kind: .server, attributes: [
            "http.request.method": "POST", "http.route": .string("/\(call.feature)"), "enduser.id": .string(call.user),
        ]) { span -> ClaudeErrorCategory? in
            withSpan("load-context") { $0.setAttribute("context.documents", .int(call.prompt.count / 200 + 1)) }
            do {
                let cost: Double?
                if call.streaming {
                    let stream = claude.streamMessage(request, attribution: attribution)
                    for try await _ in stream {}
                    cost = try await stream.finalMessage().costUSD
                } else {
                    cost = try await claude.createMessage(request, attribution: attribution).costUSD
                }
                span.setAttribute("http.response.status_code", 200)
                progress.record(cost: cost ?? 0, failed: false)
                return nil
            } catch {
                span.setAttribute("http.response.status_code", 502)
                span.setStatus(.error(description: "Claude call failed"))
                progress.record(cost: 0, failed: true)
                return (error as? ClaudeError)?.category ?? .unknown
            }
        }
    }
}

/// The progress line: rewritten in place on a terminal, every quarter otherwise. It counts
/// Claude calls, as the dashboard does, and its last line has the final count.
final class Progress: Sendable {
    private struct State {
        var done = 0, failed = 0, cost = 0.0, lastQuarter = 0
        /// The `done` of the last line printed.
        var printed = 0

        var line: String { "  \(counted(done, "call")) · \(failed) failed · $\(formatUSD(cost))" }
    }

    private let state = Locked(State())
    private let total: Int
    private let isTerminal = isatty(2) != 0

    init(total: Int) { self.total = total }

    func record(cost: Double, failed: Bool) {
        let line: String? = state.withLock { state in
            state.done += 1
            state.cost += cost
            if failed { state.failed += 1 }
            let quarter = state.done * 4 / max(total, 1)
            guard isTerminal || quarter > state.lastQuarter else { return nil }
            state.lastQuarter = quarter
            state.printed = state.done
            return state.line
        }
        guard let line else { return }
        if isTerminal {
            let bytes = Array("\r\(line)   ".utf8)
            _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        } else {
            printError(line)
        }
    }

    /// Ends the progress: on a terminal the line stays, otherwise the final count is printed
    /// unless it was the last line.
    func finish() {
        if isTerminal {
            printError("")
        } else if let line = state.withLock({ $0.printed == $0.done ? nil : $0.line }) {
            printError(line)
        }
    }
}

/// A file the demo cannot write.
struct OutputError: Error, CustomStringConvertible {
    var description: String
}

/// Creates the file at `path`, or empties it: the demo replaces what it writes.
func startFile(_ path: String, for option: String) throws(OutputError) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else {
        throw OutputError(description: "cannot write \(option) \(path): \(String(cString: strerror(errno)))")
    }
    close(descriptor)
}
