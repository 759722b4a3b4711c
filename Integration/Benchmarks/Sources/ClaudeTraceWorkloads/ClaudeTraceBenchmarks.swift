import BenchmarkSupport
import ClaudeTraceCore
import ClaudeTraceOTLP
import Synchronization

/// Every workload, run on ClaudeTrace.
public enum ClaudeTraceBenchmarks {
    public static let library = "claude-trace"

    /// Runs `workload` and returns its results (W3 also returns Foundation's). The SDK's
    /// diagnostics (e.g. "dropped N spans: the queue was full") are collected into the notes
    /// instead of standard error.
    public static func run(_ workload: String, options: Options) async -> [WorkloadResult] {
        let diagnostics = Mutex((count: 0, first: [String]()))
        Diagnostics.setHandler { diagnostic in
            diagnostics.withLock {
                $0.count += 1
                if $0.first.count < 3 { $0.first.append(diagnostic.description) }
            }
        }
        var results = await run(workload, spans: options.int("--spans", default: 1_000_000), options: options)
        let (count, first) = diagnostics.withLock { ($0.count, $0.first) }
        if count > 0, !results.isEmpty {
            results[0].notes.append("\(count) diagnostics, first: " + first.joined(separator: " | "))
        }
        return results
    }

    static func run(_ workload: String, spans: Int, options: Options) async -> [WorkloadResult] {
        switch workload {
        case "W1": return [await rootSpans(spans, sampled: true, queue: options.int("--queue", default: 2048))]
        case "W1-alone": return [await rootSpansAlone(spans)]
        case "W1-refcounts": return [await referenceCountsPerSpan(100_000)]
        case "W1b": return [await nestedPairs(spans / 2)]
        case "W1b-sdt": return [await nestedPairsThroughDistributedTracing(spans / 2)]
        case "W1c": return [await rootSpans(spans, sampled: false)]
        case "W1-set": return [await attributesAfterStart(spans, oneByOne: false)]
        case "W1-each": return [await attributesAfterStart(spans, oneByOne: true)]
        case "W1b-async": return [await asyncNestedPairs(spans / 2, on: .nonisolated)]
        case "W1b-main": return [await asyncNestedPairs(spans / 2, on: .mainActor)]
        case "W1b-actor": return [await asyncNestedPairs(spans / 2, on: .actor)]
        case "W3":
            return encoding(options.int("--spans", default: 10_000), rounds: options.int("--rounds", default: 200),
                            foundationRounds: options.int("--foundation-rounds", default: 10))
        case "W4": return [await claudeCalls(options.int("--calls", default: 100_000))]
        case "W4m": return [await claudeCallMetrics(options.int("--calls", default: 100_000))]
        case "W4-main": return [await claudeCalls(options.int("--calls", default: 100_000), onMainActor: true)]
        case "W5":
            return [await concurrentTasks(spans, tasks: options.int("--tasks", default: 8),
                                          slowDelay: .milliseconds(options.int("--slow-ms", default: 20)))]
        case "W2a", "W2a-default", "W2b", "W2b-large", "ceiling", "ceiling-exporter":
            guard let collector = CollectorTarget(options) else {
                return [WorkloadResult(workload: workload, library: library, notes: ["skipped: no --collector"])]
            }
            let wire: OTLPProtocol = options.string("--protocol") == "json" ? .httpJSON : .httpProtobuf
            let burstSpans = options.int("--spans", default: 200_000)
            switch workload {
            case "W2a": return [await burst(burstSpans, queue: 262_144, protocol: wire, collector: collector)]
            case "W2a-default": return [await burst(burstSpans, queue: 2048, protocol: wire, collector: collector)]
            case "W2b", "W2b-large":
                return [await sustained(
                    duration: options.double("--seconds", default: 10), ceiling: options.double("--ceiling", default: 50_000),
                    rate: options.string("--rate").flatMap(Double.init),
                    queue: options.int("--queue", default: workload == "W2b" ? 2048 : 65_536), protocol: wire, collector: collector)]
            case "ceiling-exporter":
                return [await exporterCeiling(batches: options.int("--batches", default: 400), collector: collector)]
            default:
                return [await collectorCeiling(batches: options.int("--batches", default: 400), protocol: wire, collector: collector)]
            }
        default:
            return [WorkloadResult(workload: workload, library: library, notes: ["unknown workload"])]
        }
    }
}
