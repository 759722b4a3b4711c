import BenchmarkSupport
import Tracing
import TracingWorkloads

extension SwiftOTelBenchmarks {
    struct PipelineRun: Sendable {
        var produced: Int
        var accepted: Int
        var droppedBySDK: Int
        var failedBySDK: Int
        var elapsed: Double
        var producerNanosecondsPerSpan: Double
        var messages: [String]

        var missingAtCollector: Int { produced - accepted }
        var isLossless: Bool { droppedBySDK == 0 && failedBySDK == 0 && accepted == produced }
    }

    struct Produce: TracerWorkload {
        let count: Int
        let perSecond: Double?
        /// (start, producer busy nanoseconds)
        func run<T: Tracer>(_ tracer: T) async -> (UInt64, UInt64) {
            let start = monotonicNanoseconds()
            guard let perSecond else {
                for index in 0..<count {
                    endRootSpan(tracer, "w2", index)
                }
                return (start, monotonicNanoseconds() - start)
            }
            let count = self.count
            let busy = await onDedicatedThread {
                var pacer = Pacer(perSecond: perSecond)
                var index = 0
                var busy: UInt64 = 0
                while index < count {
                    let due = pacer.due(limit: count)
                    if due == 0 {
                        sleepThread(nanoseconds: 200_000)
                        continue
                    }
                    let begin = monotonicNanoseconds()
                    for _ in 0..<due {
                        endRootSpan(tracer, "w2", index)
                        index += 1
                    }
                    busy += monotonicNanoseconds() - begin
                }
                return busy
            }
            return (start, busy)
        }
    }

    /// Spans into the collector through swift-otel's batch processor and its OTLP/HTTP
    /// exporter (protobuf unless `json`), from the first start to a completed shutdown.
    static func pipeline(_ count: Int, perSecond: Double?, queue: Int, json: Bool = false, collector: CollectorTarget) async -> PipelineRun {
        let tally = DiagnosticTally()
        let before = collector.log.acceptedSpans()
        let (start, busy) = await SwiftOTelSetup.run(
            Produce(count: count, perSecond: perSecond), export: .otlp(endpoint: collector.endpoint, json: json), queue: queue, tally: tally)
        let elapsed = seconds(from: start, to: monotonicNanoseconds())
        let accepted = await collector.log.waitForAccepted(atLeast: before + count) - before
        return PipelineRun(
            produced: count, accepted: accepted, droppedBySDK: tally.dropped, failedBySDK: tally.failedSpans,
            elapsed: elapsed, producerNanosecondsPerSpan: Double(busy) / Double(count), messages: tally.messages)
    }

    static func burst(_ count: Int, queue: Int, collector: CollectorTarget) async -> WorkloadResult {
        let run = await pipeline(count, perSecond: nil, queue: queue, collector: collector)
        return WorkloadResult(
            workload: queue >= count ? "W2a" : "W2a-default", library: library,
            metrics: [
                "accepted_per_second": Double(run.accepted) / run.elapsed, "spans": Double(run.produced),
                "accepted": Double(run.accepted), "dropped_sdk": Double(run.droppedBySDK),
                "failed_sdk": Double(run.failedBySDK), "missing_at_collector": Double(run.missingAtCollector),
                "seconds": run.elapsed, "producer_ns_per_span": run.producerNanosecondsPerSpan,
                "peak_rss_mb": peakResidentMB(), "queue": Double(queue),
            ],
            notes: ["OTLP/HTTP protobuf, batches of 512, queue \(queue)"] + run.messages)
    }

    static func sustained(duration: Double, ceiling: Double, collector: CollectorTarget) async -> WorkloadResult {
        var steps: [String] = []
        var best = 0.0
        await stepRates(ceiling: ceiling) { rate in
            let count = Int(rate * duration)
            let run = await pipeline(count, perSecond: rate, queue: 2048, collector: collector)
            steps.append("\(Int(rate))/s: accepted \(run.accepted)/\(count), dropped \(run.droppedBySDK), failed \(run.failedBySDK)")
            if run.isLossless { best = max(best, rate) }
            return run.isLossless
        }
        return WorkloadResult(
            workload: "W2b", library: library,
            metrics: ["sustained_per_second": best, "seconds_per_step": duration, "ceiling_per_second": ceiling],
            notes: ["queue 2048, batch 512 (defaults), OTLP/HTTP protobuf"] + steps)
    }

    /// swift-otel's `http/json` mode: how many spans the collector accepts from it.
    static func jsonMode(_ count: Int, collector: CollectorTarget) async -> WorkloadResult {
        let run = await pipeline(count, perSecond: nil, queue: 2048, json: true, collector: collector)
        return WorkloadResult(
            workload: "W2-json", library: library,
            metrics: ["spans": Double(run.produced), "accepted": Double(run.accepted), "failed_sdk": Double(run.failedBySDK)],
            notes: ["OTLP/HTTP JSON"] + run.messages)
    }
}
