import BenchmarkSupport
import ClaudeTraceCore
import ClaudeTraceTracing
import TracingWorkloads

extension ClaudeTraceBenchmarks {
    /// W1b-sdt: swift-otel's W1b loop (nested `withSpan` through swift-distributed-tracing, the
    /// 8 attributes set after start) with ClaudeTrace as the backend, under default settings;
    /// then the same loop on swift-distributed-tracing's `NoOpTracer`, the API's own cost.
    static func nestedPairsThroughDistributedTracing(_ count: Int) async -> WorkloadResult {
        let processor = BatchSpanProcessor(exporter: DiscardingExporter())
        let provider = TracerProvider(resource: benchmarkResource, processors: [processor])
        let nanoseconds = await NestedPairs(count: count).run(ClaudeTraceTracer(provider: provider, scope: "benchmark"))
        await provider.shutdown()
        let statistics = processor.statistics
        let apiAlone = await nestedPairsWithoutBackend(count)
        return WorkloadResult(workload: "W1b-sdt", library: library, metrics: [
            "ns_per_pair": nanoseconds, "ns_per_pair_noop_tracer": apiAlone, "spans": Double(2 * (count + count / 10)),
            "exported": Double(statistics.exported), "dropped": Double(statistics.dropped), "peak_rss_mb": peakResidentMB(),
        ])
    }
}
