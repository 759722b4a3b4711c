import BenchmarkSupport
import ClaudeTrace

extension ClaudeTraceBenchmarks {
    /// W4m: what a Claude call pays for its GenAI metrics on top of W4. W4's instrumented
    /// client (spans through a batch processor into a discarding exporter, the monitor with its
    /// budget check) against the same client also recording the metrics into a meter provider.
    /// No reader runs: exports happen on a schedule, off the calls' path, so the difference is
    /// the recording (the series lookup and the instruments' locks), within the calls' noise.
    /// Then the recording alone, timed without the calls around it: one call's metrics
    /// (`ClaudeMetrics.recordCall`, the path the client takes), one histogram record and one
    /// counter add with a prebuilt attribute set.
    static func claudeCallMetrics(_ count: Int) async -> WorkloadResult {
        let request = ClaudeMessageRequest(
            model: "claude-sonnet-4-6", maxTokens: 256, messages: [.user("Summarize the ticket in one sentence.")])
        let attribution = ClaudeAttribution(userID: "u-42", feature: "ticket-summary")

        func run(_ client: ClaudeClient, calls: Int) async -> Double {
            let start = monotonicNanoseconds()
            for _ in 0..<calls { _ = try? await client.createMessage(request, attribution: attribution) }
            return Double(monotonicNanoseconds() - start) / Double(calls) / 1000
        }

        let simulator = SimulatedClaude(configuration: .init(seed: 7, timeScale: 0, splitsChunks: false))
        let processor = BatchSpanProcessor(exporter: DiscardingExporter())
        let monitor = ClaudeMonitor(MonitorConfiguration(budget: BudgetConfiguration(dailyLimitUSD: 1e12, perUserDailyLimitUSD: 1e12)))
        let provider = TracerProvider(resource: benchmarkResource, processors: [processor, monitor])
        let traced = ClaudeClient.simulated(simulator, tracer: provider.tracer("benchmark"), monitor: monitor)
        let meters = MeterProvider(resource: benchmarkResource)
        var configuration = traced.configuration
        configuration.metrics = ClaudeMetrics(provider: meters)
        let metered = ClaudeClient(configuration: configuration, transport: traced.transport)

        _ = await run(traced, calls: count / 20)
        _ = await run(metered, calls: count / 20)
        var tracedTotal = 0.0, meteredTotal = 0.0
        let rounds = 4
        for _ in 0..<rounds {
            tracedTotal += await run(traced, calls: count / rounds)
            meteredTotal += await run(metered, calls: count / rounds)
        }
        await provider.shutdown()

        let usage = ClaudeUsage(inputTokens: 40, outputTokens: 120, cacheCreationInputTokens: 0, cacheReadInputTokens: 2000)
        let cost = ClaudeCost(picodollars: 2_520_000_000)
        let callMetrics = configuration.metrics!
        let recordings = 1_000_000
        let recordStart = monotonicNanoseconds()
        for _ in 0..<recordings {
            callMetrics.recordCall(
                requestModel: "claude-sonnet-4-6", responseModel: "claude-sonnet-4-6", usage: usage, cost: cost,
                durationSeconds: 0.8, server: ("claude.simulated.invalid", 443), feature: "ticket-summary")
        }
        let callRecordNanoseconds = Double(monotonicNanoseconds() - recordStart) / Double(recordings)

        let scope = InstrumentationScope(name: "benchmark")
        let histogram = meters.histogram("h", unit: "s", boundaries: ClaudeMetrics.durationBoundaries, scope: scope)
        let counter = meters.counter("c", unit: "1", scope: scope)
        let attributes = MetricAttributes(["gen_ai.request.model": "claude-sonnet-4-6", "gen_ai.operation.name": "chat", "server.port": 443])
        let operations = 2_000_000
        var start = monotonicNanoseconds()
        for index in 0..<operations { histogram.record(Double(index & 1023) * 0.01, attributes: attributes) }
        let recordNanoseconds = Double(monotonicNanoseconds() - start) / Double(operations)
        start = monotonicNanoseconds()
        for _ in 0..<operations { counter.add(3, attributes: attributes) }
        let addNanoseconds = Double(monotonicNanoseconds() - start) / Double(operations)

        let tracedMicroseconds = tracedTotal / Double(rounds), meteredMicroseconds = meteredTotal / Double(rounds)
        return WorkloadResult(workload: "W4m", library: library, metrics: [
            "overhead_us_per_call": meteredMicroseconds - tracedMicroseconds,
            "us_per_call_without": tracedMicroseconds, "us_per_call_with": meteredMicroseconds,
            "record_ns_per_call": callRecordNanoseconds, "histogram_record_ns": recordNanoseconds, "counter_add_ns": addNanoseconds,
            "series": Double(meters.collect().pointCount), "calls": Double(count), "peak_rss_mb": peakResidentMB(),
        ], notes: ["simulated transport, timeScale 0; \(count) calls each way; no metric reader (exports are off the call's path)"])
    }
}
