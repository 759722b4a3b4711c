import BenchmarkSupport
import Tracing
import TracingWorkloads

/// Every workload that applies, run on swift-otel 1.6.0.
public enum SwiftOTelBenchmarks {
    public static let library = "swift-otel"

    public static func run(_ workload: String, options: Options) async -> [WorkloadResult] {
        let spans = options.int("--spans", default: 1_000_000)
        switch workload {
        case "W1": return [await rootSpans(spans, sampled: true)]
        case "W1b": return [await nestedPairs(spans / 2)]
        case "W1c": return [await rootSpans(spans, sampled: false)]
        case "W1-refcounts": return [await referenceCountsPerSpan(100_000)]
        case "W1-each": return [await eachAttribute(spans)]
        case "W1b-async": return [await asyncNestedPairs(spans / 2, on: .nonisolated, workload: workload)]
        case "W1b-main": return [await asyncNestedPairs(spans / 2, on: .mainActor, workload: workload)]
        case "W1b-actor": return [await asyncNestedPairs(spans / 2, on: .actor, workload: workload)]
        case "W5": return [await concurrentTasks(spans, tasks: options.int("--tasks", default: 8))]
        case "W2a", "W2a-default", "W2b", "W2-json":
            guard let collector = CollectorTarget(options) else {
                return [WorkloadResult(workload: workload, library: library, notes: ["skipped: no --collector"])]
            }
            switch workload {
            case "W2a": return [await burst(options.int("--spans", default: 200_000), queue: 262_144, collector: collector)]
            case "W2a-default": return [await burst(options.int("--spans", default: 200_000), queue: 2048, collector: collector)]
            case "W2-json": return [await jsonMode(options.int("--spans", default: 2048), collector: collector)]
            default:
                return [await sustained(
                    duration: options.double("--seconds", default: 10), ceiling: options.double("--ceiling", default: 50_000),
                    collector: collector)]
            }
        default:
            return [WorkloadResult(workload: workload, library: library, notes: ["not applicable"])]
        }
    }

    struct RootSpans: TracerWorkload {
        let count: Int
        func run<T: Tracer>(_ tracer: T) async -> Double {
            nanosecondsPerOperation(count, warmUp: count / 10) { index in
                endRootSpan(tracer, "w1", index)
            }
        }
    }

    /// W1 and W1c. swift-otel reports drops only in its log; the spans it exported are those it
    /// did not drop (its exporter here is `.none`).
    static func rootSpans(_ count: Int, sampled: Bool) async -> WorkloadResult {
        let tally = DiagnosticTally()
        let nanoseconds = await SwiftOTelSetup.run(RootSpans(count: count), sampled: sampled, tally: tally)
        let total = count + count / 10
        var result = WorkloadResult(workload: sampled ? "W1" : "W1c", library: library, metrics: [
            "ns_per_span": nanoseconds, "spans": Double(total),
            "dropped": Double(tally.dropped), "peak_rss_mb": peakResidentMB(),
        ], notes: tally.messages)
        if sampled {
            result.metrics["exported"] = Double(total - tally.dropped)
            let allocations = await allocationsPerSpan(100_000)
            result.metrics["mallocs_per_span"] = allocations
        }
        return result
    }

    struct CountedSpans: TracerWorkload {
        let count: Int
        func run<T: Tracer>(_ tracer: T) async -> Double {
            for index in 0..<10_000 {
                endRootSpan(tracer, "w1", index)
            }
            let reading = AllocationCounter.count {
                for index in 0..<count {
                    endRootSpan(tracer, "w1", index)
                }
            }
            // Everything the process allocated while the spans were made, background tasks
            // included (swift-otel hands each span through two unbounded streams).
            return Double(reading.total) / Double(count)
        }
    }

    /// Retains and releases of objects per W1 span on the producing thread (see
    /// `RefCountCounter`).
    struct ReferenceCountedSpans: TracerWorkload {
        let count: Int
        func run<T: Tracer>(_ tracer: T) async -> RefCountCounter.Reading? {
            for index in 0..<10_000 {
                endRootSpan(tracer, "w1", index)
            }
            return RefCountCounter.perCall(count) { index in
                endRootSpan(tracer, "w1", index)
            }
        }
    }

    static func referenceCountsPerSpan(_ count: Int) async -> WorkloadResult {
        let reading = await SwiftOTelSetup.run(ReferenceCountedSpans(count: count), tally: DiagnosticTally())
        return referenceCountResult(reading, library: library)
    }

    static func allocationsPerSpan(_ count: Int) async -> Double {
        await SwiftOTelSetup.run(CountedSpans(count: count), tally: DiagnosticTally())
    }

    static func nestedPairs(_ count: Int) async -> WorkloadResult {
        let tally = DiagnosticTally()
        let nanoseconds = await SwiftOTelSetup.run(NestedPairs(count: count), tally: tally)
        let total = 2 * (count + count / 10)
        return WorkloadResult(workload: "W1b", library: library, metrics: [
            "ns_per_pair": nanoseconds, "spans": Double(total), "dropped": Double(tally.dropped),
            "exported": Double(total - tally.dropped), "peak_rss_mb": peakResidentMB(),
        ], notes: tally.messages)
    }

    struct ConcurrentTasks: TracerWorkload {
        let count: Int, tasks: Int
        func run<T: Tracer>(_ tracer: T) async -> Double {
            let perTask = count / tasks
            let start = monotonicNanoseconds()
            await withTaskGroup(of: Void.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        for index in 0..<perTask {
                            let span = tracer.startSpan("w5", context: .topLevel)
                            setEightAttributes(span, task * perTask + index)
                            span.end()
                        }
                    }
                }
            }
            return Double(perTask * tasks) / seconds(from: start, to: monotonicNanoseconds())
        }
    }

    static func concurrentTasks(_ count: Int, tasks: Int) async -> WorkloadResult {
        let tally = DiagnosticTally()
        let perSecond = await SwiftOTelSetup.run(ConcurrentTasks(count: count, tasks: tasks), tally: tally)
        let produced = count / tasks * tasks
        return WorkloadResult(workload: "W5", library: library, metrics: [
            "spans_per_second": perSecond, "spans": Double(produced), "dropped": Double(tally.dropped),
            "exported": Double(produced - tally.dropped), "peak_rss_mb": peakResidentMB(),
        ], notes: ["\(tasks) tasks; no slow-exporter run: swift-otel takes no custom exporter through its public API"] + tally.messages)
    }
}
