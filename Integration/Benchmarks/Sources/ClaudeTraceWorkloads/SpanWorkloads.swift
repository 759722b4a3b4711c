import BenchmarkSupport
import ClaudeTraceCore

/// Discards every batch: measures the SDK, not an exporter.
struct DiscardingExporter: SpanExporter {
    func export(_ batch: [SpanData]) async -> ExportResult { .success }
}

/// Takes `delay` per batch, then discards it: an exporter slower than the producers.
struct SlowExporter: SpanExporter {
    let delay: Duration
    func export(_ batch: [SpanData]) async -> ExportResult {
        try? await Task.sleep(for: delay)
        return .success
    }
}

/// The 8 attributes of every benchmark span: 3 strings, 4 integers, 1 double.
@inline(__always)
func eightAttributes(_ index: Int) -> Attributes {
    [
        "http.request.method": "GET", "url.path": "/v1/messages", "gen_ai.request.model": "claude-sonnet-4-6",
        "http.response.status_code": 200, "iteration": .int(index), "gen_ai.request.max_tokens": 512,
        "claude.retries": 3, "claude.cost.usd": 0.25,
    ]
}

let benchmarkResource = Resource(attributes: ["service.name": "benchmark"])

extension ClaudeTraceBenchmarks {
    /// W1 (sampled) and W1c (unsampled): a root span with 8 attributes, ended, through a batch
    /// processor into a discarding exporter; with the default queue unless `queue` is given
    /// (`--queue`, for docs/operations.md's figures on a busy machine).
    static func rootSpans(_ count: Int, sampled: Bool, queue: Int = 2048) async -> WorkloadResult {
        let processor = BatchSpanProcessor(exporter: DiscardingExporter(), configuration: .init(maxQueueSize: queue))
        let provider = TracerProvider(resource: benchmarkResource, sampler: sampled ? .alwaysOn : .alwaysOff, processors: [processor])
        let tracer = provider.tracer("benchmark")
        let warmUp = count / 10
        let nanoseconds = nanosecondsPerOperation(count, warmUp: warmUp) { index in
            tracer.startSpan("w1", attributes: eightAttributes(index), parent: .root).end()
        }
        await provider.shutdown()
        let statistics = processor.statistics
        var result = WorkloadResult(workload: sampled ? "W1" : "W1c", library: library, metrics: [
            "ns_per_span": nanoseconds, "spans": Double(count + warmUp),
            "exported": Double(statistics.exported), "dropped": Double(statistics.dropped),
            "peak_rss_mb": peakResidentMB(), "queue": Double(queue),
        ])
        if sampled && queue == 2048 {
            let allocations = await allocationsPerSpan(100_000)
            result.metrics["mallocs_per_span"] = allocations.total
            result.metrics["mallocs_per_span_producer"] = allocations.producer
        }
        return result
    }

    /// W1 without any processor: what the span itself costs (start, 8 attributes, end, the
    /// snapshot), apart from the hand-off to the batch processor and its worker.
    static func rootSpansAlone(_ count: Int) async -> WorkloadResult {
        let provider = TracerProvider(resource: benchmarkResource, sampler: .alwaysOn, processors: [])
        let tracer = provider.tracer("benchmark")
        let nanoseconds = nanosecondsPerOperation(count, warmUp: count / 10) { index in
            tracer.startSpan("w1", attributes: eightAttributes(index), parent: .root).end()
        }
        await provider.shutdown()
        return WorkloadResult(workload: "W1-alone", library: library, metrics: ["ns_per_span": nanoseconds, "spans": Double(count + count / 10)],
                              notes: ["no processor: the span's own cost"])
    }

    /// Allocations per W1 span: by every thread from the first start to a completed
    /// shutdown, and by the producing thread alone.
    static func allocationsPerSpan(_ count: Int) async -> (total: Double, producer: Double) {
        let processor = BatchSpanProcessor(exporter: DiscardingExporter())
        let provider = TracerProvider(resource: benchmarkResource, sampler: .alwaysOn, processors: [processor])
        let tracer = provider.tracer("benchmark")
        for index in 0..<10_000 { tracer.startSpan("w1", attributes: eightAttributes(index), parent: .root).end() }
        await provider.forceFlush()
        var producer = AllocationCounter.Reading(total: 0, thisThread: 0)
        let total = await AllocationCounter.count {
            producer = AllocationCounter.count {
                for index in 0..<count { tracer.startSpan("w1", attributes: eightAttributes(index), parent: .root).end() }
            }
            await provider.shutdown()
        }
        return (Double(total.total) / Double(count), Double(producer.thisThread) / Double(count))
    }

    /// W1's retains and releases of objects per span, on the producing thread (which also
    /// frees the exported spans); needs the refcount counter preloaded (see `RefCountCounter`).
    static func referenceCountsPerSpan(_ count: Int) async -> WorkloadResult {
        let processor = BatchSpanProcessor(exporter: DiscardingExporter())
        let provider = TracerProvider(resource: benchmarkResource, sampler: .alwaysOn, processors: [processor])
        let tracer = provider.tracer("benchmark")
        for index in 0..<10_000 { tracer.startSpan("w1", attributes: eightAttributes(index), parent: .root).end() }
        let reading = RefCountCounter.perCall(count) { index in
            tracer.startSpan("w1", attributes: eightAttributes(index), parent: .root).end()
        }
        await provider.shutdown()
        return referenceCountResult(reading, library: library)
    }

    /// W1b: a parent and a child through task-local context propagation.
    static func nestedPairs(_ count: Int) async -> WorkloadResult {
        let processor = BatchSpanProcessor(exporter: DiscardingExporter())
        let provider = TracerProvider(resource: benchmarkResource, processors: [processor])
        let tracer = provider.tracer("benchmark")
        let warmUp = count / 10
        var wrongParents = 0
        let nanoseconds = nanosecondsPerOperation(count, warmUp: warmUp) { index in
            tracer.withSpan("parent", attributes: eightAttributes(index), parent: .root) { parent in
                tracer.withSpan("child", attributes: eightAttributes(index)) { child in
                    if child.parentSpanID != parent.context.spanID { wrongParents += 1 }
                }
            }
        }
        await provider.shutdown()
        let statistics = processor.statistics
        return WorkloadResult(workload: "W1b", library: library, metrics: [
            "ns_per_pair": nanoseconds, "spans": Double(2 * (count + warmUp)),
            "exported": Double(statistics.exported), "dropped": Double(statistics.dropped),
            "wrong_parents": Double(wrongParents), "peak_rss_mb": peakResidentMB(),
        ])
    }

    /// W5: `tasks` tasks ending spans into one batch processor at once; then the same with an
    /// exporter that takes `slowDelay` per batch.
    static func concurrentTasks(_ count: Int, tasks: Int, slowDelay: Duration) async -> WorkloadResult {
        func run(_ exporter: any SpanExporter) async -> (spansPerSecond: Double, BatchSpanProcessor.Statistics) {
            let processor = BatchSpanProcessor(exporter: exporter)
            let provider = TracerProvider(resource: benchmarkResource, processors: [processor])
            let tracer = provider.tracer("benchmark")
            let perTask = count / tasks
            let start = monotonicNanoseconds()
            await withTaskGroup(of: Void.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        for index in 0..<perTask {
                            tracer.startSpan("w5", attributes: eightAttributes(task * perTask + index), parent: .root).end()
                        }
                    }
                }
            }
            let elapsed = seconds(from: start, to: monotonicNanoseconds())
            await provider.shutdown()
            return (Double(perTask * tasks) / elapsed, processor.statistics)
        }
        let (fast, fastStatistics) = await run(DiscardingExporter())
        let (slow, slowStatistics) = await run(SlowExporter(delay: slowDelay))
        let produced = Double(count / tasks * tasks)
        return WorkloadResult(workload: "W5", library: library, metrics: [
            "spans_per_second": fast, "spans": produced,
            "exported": Double(fastStatistics.exported), "dropped": Double(fastStatistics.dropped),
            "slow_spans_per_second": slow, "slow_exported": Double(slowStatistics.exported),
            "slow_dropped": Double(slowStatistics.dropped), "peak_rss_mb": peakResidentMB(),
        ], notes: ["\(tasks) tasks; slow exporter: \(slowDelay) per batch of 512"])
    }
}
