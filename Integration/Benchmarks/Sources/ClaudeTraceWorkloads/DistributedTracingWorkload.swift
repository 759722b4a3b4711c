import BenchmarkSupport
import ClaudeTraceCore
import ClaudeTraceTracing
import TracingWorkloads

extension ClaudeTraceBenchmarks {
    /// W1b-sdt: swift-otel's W1b loop (nested `withSpan` through swift-distributed-tracing, the
    /// 8 attributes set after start) with ClaudeTrace as the backend, under default settings.
    static func nestedPairsThroughDistributedTracing(_ count: Int) async -> WorkloadResult {
        let processor = BatchSpanProcessor(exporter: DiscardingExporter())
        let provider = TracerProvider(resource: benchmarkResource, processors: [processor])
        let nanoseconds = await NestedPairs(count: count).run(ClaudeTraceTracer(provider: provider, scope: "benchmark"))
        await provider.shutdown()
        let statistics = processor.statistics
        return WorkloadResult(workload: "W1b-sdt", library: library, metrics: [
            "ns_per_pair": nanoseconds, "spans": Double(2 * (count + count / 10)),
            "exported": Double(statistics.exported), "dropped": Double(statistics.dropped), "peak_rss_mb": peakResidentMB(),
        ])
    }
}
