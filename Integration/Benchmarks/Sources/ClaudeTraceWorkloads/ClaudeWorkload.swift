import BenchmarkSupport
import ClaudeTrace

extension ClaudeTraceBenchmarks {
    /// W4: `count` Messages API calls over the in-process simulated transport (no latency),
    /// without instrumentation (a disabled provider: non-recording spans, no monitor) and with
    /// it (spans through a batch processor into a discarding exporter, plus the monitor, with
    /// a budget checked before every call). The difference is the instrumentation's cost.
    ///
    /// W4-main is the same, every call made from the main actor (as a CLI's top-level code or
    /// any `@MainActor` code makes it).
    static func claudeCalls(_ count: Int, onMainActor: Bool = false) async -> WorkloadResult {
        let request = ClaudeMessageRequest(
            model: "claude-sonnet-4-6", maxTokens: 256, messages: [.user("Summarize the ticket in one sentence.")])
        let attribution = ClaudeAttribution(userID: "u-42", feature: "ticket-summary")

        func run(_ client: ClaudeClient, calls: Int) async -> (microseconds: Double, failures: Int) {
            if onMainActor { return await callsOnMainActor(client, request, attribution, calls: calls) }
            var failures = 0
            let start = monotonicNanoseconds()
            for _ in 0..<calls {
                do {
                    _ = try await client.createMessage(request, attribution: attribution)
                } catch {
                    failures += 1
                }
            }
            return (Double(monotonicNanoseconds() - start) / Double(calls) / 1000, failures)
        }

        let simulator = SimulatedClaude(configuration: .init(seed: 7, timeScale: 0, splitsChunks: false))
        let disabled = TracerProvider(resource: benchmarkResource, disabled: true)
        let bare = ClaudeClient.simulated(simulator, tracer: disabled.tracer("benchmark"), monitor: nil)

        let processor = BatchSpanProcessor(exporter: DiscardingExporter())
        let monitor = ClaudeMonitor(MonitorConfiguration(budget: BudgetConfiguration(dailyLimitUSD: 1e12, perUserDailyLimitUSD: 1e12)))
        let provider = TracerProvider(resource: benchmarkResource, processors: [processor, monitor])
        let observer = (monitor as Any) as? any ClaudeCallObserver
        let traced = ClaudeClient.simulated(simulator, tracer: provider.tracer("benchmark"), monitor: observer)

        // Warm both up, then alternate short rounds so drift in the machine hits both alike, and
        // take the median of the rounds' differences: the overhead is a few µs of a 50–70 µs
        // call, and a mean of four long rounds moved it by a factor of four from run to run.
        _ = await run(bare, calls: count / 20)
        _ = await run(traced, calls: count / 20)
        var bareRounds: [Double] = [], tracedRounds: [Double] = [], differences: [Double] = [], failures = 0
        let rounds = 20
        for _ in 0..<rounds {
            let plain = await run(bare, calls: count / rounds)
            let instrumented = await run(traced, calls: count / rounds)
            bareRounds.append(plain.microseconds)
            tracedRounds.append(instrumented.microseconds)
            differences.append(instrumented.microseconds - plain.microseconds)
            failures += plain.failures + instrumented.failures
        }
        await provider.shutdown()
        let snapshot = monitor.snapshot()
        let bareMicroseconds = median(bareRounds), tracedMicroseconds = median(tracedRounds)
        var notes = ["simulated transport, timeScale 0; \(count) calls each way, in \(rounds) alternating rounds (medians)"]
        if observer == nil { notes.append("the monitor is a processor only: it does not check budgets before calls yet") }
        _ = snapshot
        if onMainActor { notes.append("every call from the main actor") }
        return WorkloadResult(workload: onMainActor ? "W4-main" : "W4", library: library, metrics: [
            "overhead_us_per_call": median(differences),
            "us_per_call_without": bareMicroseconds, "us_per_call_with": tracedMicroseconds,
            "calls": Double(count), "failures": Double(failures),
            "exported": Double(processor.statistics.exported), "dropped": Double(processor.statistics.dropped),
            "peak_rss_mb": peakResidentMB(),
        ], notes: notes)
    }

    /// W4's loop of calls, on the main actor.
    @MainActor
    static func callsOnMainActor(
        _ client: ClaudeClient, _ request: ClaudeMessageRequest, _ attribution: ClaudeAttribution, calls: Int
    ) async -> (microseconds: Double, failures: Int) {
        var failures = 0
        let start = monotonicNanoseconds()
        for _ in 0..<calls {
            do {
                _ = try await client.createMessage(request, attribution: attribution)
            } catch {
                failures += 1
            }
        }
        return (Double(monotonicNanoseconds() - start) / Double(calls) / 1000, failures)
    }
}
