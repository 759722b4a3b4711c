import BenchmarkSupport
import ClaudeTraceCore
import ClaudeTraceOTLP
import Synchronization

/// Times the two steps of every export of the OTLP exporter it wraps: encoding (`prepare`) and
/// sending (`export(prepared:)`, wall time from call to result). Staged as the exporter is, so
/// the processor encodes each batch while the one before it is sent, as it does without the
/// wrapper.
final class TimedExporter: StagedSpanExporter {
    let exporter: OTLPHTTPExporter
    let encodings = Mutex<[UInt64]>([])
    let sends = Mutex<[UInt64]>([])

    init(_ exporter: OTLPHTTPExporter) { self.exporter = exporter }

    func prepare(_ batch: [SpanData]) -> OTLPHTTPExporter.PreparedBatch {
        let start = monotonicNanoseconds()
        let prepared = exporter.prepare(batch)
        let elapsed = monotonicNanoseconds() - start
        encodings.withLock { $0.append(elapsed) }
        return prepared
    }

    func export(prepared: OTLPHTTPExporter.PreparedBatch) async -> ExportResult {
        let start = monotonicNanoseconds()
        let result = await exporter.export(prepared: prepared)
        let elapsed = monotonicNanoseconds() - start
        sends.withLock { $0.append(elapsed) }
        return result
    }

    func forceFlush() async -> ExportResult { await exporter.forceFlush() }
    func shutdown() async { await exporter.shutdown() }

    /// Median, mean and slowest send, and median encoding, in milliseconds.
    var timings: (sendMedian: Double, sendMean: Double, sendMax: Double, encodeMedian: Double) {
        let sent = sends.withLock { $0.sorted() }
        let encoded = encodings.withLock { $0.sorted() }
        let mean = sent.isEmpty ? 0 : Double(sent.reduce(0, +)) / Double(sent.count) / 1e6
        return (milliseconds(sent, atFraction: 0.5), mean, milliseconds(sent, atFraction: 1), milliseconds(encoded, atFraction: 0.5))
    }
}

/// The duration at `fraction` (0.5 the median, 1 the slowest) of ascending nanoseconds, in
/// milliseconds; 0 when there are none.
func milliseconds(_ sorted: [UInt64], atFraction fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]) / 1e6
}

extension ClaudeTraceBenchmarks {
    /// One run of spans into the collector: through the batch processor and the OTLP/HTTP
    /// exporter, produced as fast as possible (`perSecond` nil) or at a steady rate.
    struct PipelineRun {
        var produced: Int
        var accepted: Int
        var droppedBySDK: Int
        var failedBySDK: Int
        var elapsed: Double
        var producerNanosecondsPerSpan: Double
        var requests: Int
        /// Median and slowest send, and median encoding, of a batch, in milliseconds.
        var timings: (sendMedian: Double, sendMean: Double, sendMax: Double, encodeMedian: Double)

        var missingAtCollector: Int { produced - accepted }
        var isLossless: Bool { droppedBySDK == 0 && failedBySDK == 0 && accepted == produced }
    }

    static func pipeline(
        _ count: Int, perSecond: Double?, queue: Int, protocol wire: OTLPProtocol, collector: CollectorTarget
    ) async -> PipelineRun {
        let exporter = OTLPHTTPExporter(configuration: OTLPHTTPExporterConfiguration(endpoint: collector.endpoint, protocol: wire))
        let timed = TimedExporter(exporter)
        let processor = BatchSpanProcessor(exporter: timed, configuration: .init(maxQueueSize: queue))
        let provider = TracerProvider(resource: benchmarkResource, processors: [processor])
        let tracer = provider.tracer("benchmark")
        let before = collector.log.acceptedSpans()
        let start = monotonicNanoseconds()
        let producerTime: UInt64
        if let perSecond {
            producerTime = await onDedicatedThread {
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
                        tracer.startSpan("w2", attributes: eightAttributes(index), parent: .root).end()
                        index += 1
                    }
                    busy += monotonicNanoseconds() - begin
                }
                return busy
            }
        } else {
            for index in 0..<count {
                tracer.startSpan("w2", attributes: eightAttributes(index), parent: .root).end()
            }
            producerTime = monotonicNanoseconds() - start
        }
        await provider.shutdown()
        let elapsed = seconds(from: start, to: monotonicNanoseconds())
        let accepted = await collector.log.waitForAccepted(atLeast: before + count) - before
        let statistics = processor.statistics
        return PipelineRun(
            produced: count, accepted: accepted, droppedBySDK: statistics.dropped, failedBySDK: statistics.failed,
            elapsed: elapsed, producerNanosecondsPerSpan: Double(producerTime) / Double(count),
            requests: exporter.statistics.requests, timings: timed.timings)
    }

    /// W2a: a burst of `count` spans into a queue that holds them all (or the default queue,
    /// `W2a-default`). `W2a-json` is the first over OTLP/HTTP JSON instead of protobuf.
    static func burst(_ count: Int, queue: Int, protocol wire: OTLPProtocol, collector: CollectorTarget) async -> WorkloadResult {
        let run = await pipeline(count, perSecond: nil, queue: queue, protocol: wire, collector: collector)
        return WorkloadResult(
            workload: (queue >= count ? "W2a" : "W2a-default") + (wire == .httpJSON ? "-json" : ""), library: library,
            metrics: [
                "accepted_per_second": Double(run.accepted) / run.elapsed, "spans": Double(run.produced),
                "accepted": Double(run.accepted), "dropped_sdk": Double(run.droppedBySDK),
                "failed_sdk": Double(run.failedBySDK), "missing_at_collector": Double(run.missingAtCollector),
                "seconds": run.elapsed, "producer_ns_per_span": run.producerNanosecondsPerSpan,
                "requests": Double(run.requests), "peak_rss_mb": peakResidentMB(), "queue": Double(queue),
            ],
            notes: ["OTLP/HTTP \(wire == .httpJSON ? "JSON" : "protobuf"), batches of 512, queue \(queue)"])
    }

    /// W2b: the highest steady rate (spans/s for `duration` seconds, default settings) at
    /// which nothing is lost, found by stepping the rate from half the collector's ceiling.
    /// W2b-large: the same with a larger queue (65,536: `OTEL_BSP_MAX_QUEUE_SIZE=65536`).
    /// With `rate`, one attempt at that rate and no search.
    static func sustained(
        duration: Double, ceiling: Double, rate: Double? = nil, queue: Int = 2048, protocol wire: OTLPProtocol, collector: CollectorTarget
    ) async -> WorkloadResult {
        var steps: [String] = []
        var best = 0.0
        var worstMissing = 0
        func attempt(_ rate: Double) async -> Bool {
            let count = Int(rate * duration)
            let run = await pipeline(count, perSecond: rate, queue: queue, protocol: wire, collector: collector)
            let timings = run.timings
            steps.append("\(Int(rate))/s: accepted \(run.accepted)/\(count), dropped \(run.droppedBySDK), failed \(run.failedBySDK); send ms median \(String(format: "%.2f", timings.sendMedian)), mean \(String(format: "%.2f", timings.sendMean)), max \(String(format: "%.1f", timings.sendMax)); encode ms median \(String(format: "%.2f", timings.encodeMedian))")
            if run.isLossless {
                best = max(best, rate)
            } else {
                worstMissing = max(worstMissing, run.missingAtCollector)
            }
            return run.isLossless
        }
        if let rate {
            _ = await attempt(rate)
        } else {
            await stepRates(ceiling: ceiling, attempt: attempt)
        }
        return WorkloadResult(
            workload: (queue == 2048 ? "W2b" : "W2b-large") + (wire == .httpJSON ? "-json" : ""), library: library,
            metrics: ["sustained_per_second": best, "seconds_per_step": duration, "ceiling_per_second": ceiling, "queue": Double(queue),
                      "missing_worst_attempt": Double(worstMissing)],
            notes: ["queue \(queue), batch 512\(queue == 2048 ? " (defaults)" : ""), OTLP/HTTP \(wire == .httpJSON ? "JSON" : "protobuf")"] + steps)
    }

    /// The 8 distinct batches of 512 spans, with 8 attributes each, that both ceilings send.
    static func ceilingBatches() -> [[SpanData]] {
        let provider = TracerProvider(resource: benchmarkResource)
        let tracer = provider.tracer("benchmark")
        return (0..<8).map { batch in
            (0..<512).map { index in
                SpanData(
                    name: "w2", context: SpanContext(
                        traceID: provider.idGenerator.makeTraceID(), spanID: provider.idGenerator.makeSpanID(), traceFlags: .sampled),
                    startTimeNanoseconds: wallClockNanoseconds(), endTimeNanoseconds: wallClockNanoseconds() + 1000,
                    attributes: eightAttributes(batch * 512 + index), resource: benchmarkResource, scope: tracer.scope)
            }
        }
    }

    /// The same requests as the ceiling's, sent by our exporter: 512-span batches prepared
    /// beforehand, then `export(prepared:)` back to back from one task. Its time per
    /// request against the plain client's, in the same run, is what our send path costs.
    static func exporterCeiling(batches: Int, collector: CollectorTarget) async -> WorkloadResult {
        let exporter = OTLPHTTPExporter(configuration: OTLPHTTPExporterConfiguration(endpoint: collector.endpoint))
        let prepared = ceilingBatches().map { exporter.prepare($0) }
        let before = collector.log.acceptedSpans()
        let (elapsed, failures, latencies) = await Task { () -> (Double, Int, [UInt64]) in
            var failures = 0
            var latencies: [UInt64] = []
            latencies.reserveCapacity(batches)
            let start = monotonicNanoseconds()
            for index in 0..<batches {
                let sent = monotonicNanoseconds()
                if await exporter.export(prepared: prepared[index % prepared.count]) != .success { failures += 1 }
                latencies.append(monotonicNanoseconds() - sent)
            }
            return (seconds(from: start, to: monotonicNanoseconds()), failures, latencies.sorted())
        }.value
        await exporter.shutdown()
        let accepted = await collector.log.waitForAccepted(atLeast: before + batches * 512) - before
        return WorkloadResult(
            workload: "ceiling-exporter", library: library,
            metrics: [
                "accepted_per_second": Double(accepted) / elapsed, "spans": Double(batches * 512),
                "accepted": Double(accepted), "failed_requests": Double(failures), "seconds": elapsed,
                "request_ms_p50": milliseconds(latencies, atFraction: 0.5),
                "request_ms_p99": milliseconds(latencies, atFraction: 0.99),
                "request_ms_max": milliseconds(latencies, atFraction: 1),
            ],
            notes: ["\(batches) requests of 512 spans, prepared beforehand, sent by OTLPHTTPExporter.export(prepared:) back to back"])
    }

    /// The collector's own ceiling: 512-span batches, encoded beforehand (with our encoder for
    /// `wire`), POSTed back to back over one kept-alive connection by a plain HTTP client.
    static func collectorCeiling(batches: Int, protocol wire: OTLPProtocol, collector: CollectorTarget) async -> WorkloadResult {
        let name = wire == .httpJSON ? "ceiling-json" : "ceiling"
        let bodies = ceilingBatches().map { wire.encoding.encode($0) }
        let distinct = bodies.count
        guard let (host, port, path) = collector.hostAndPort else {
            return WorkloadResult(workload: name, library: "collector", notes: ["bad endpoint \(collector.endpoint)"])
        }
        let before = collector.log.acceptedSpans()
        let encoded = bodies
        let contentType = wire.encoding.contentType
        let timing = await onDedicatedThread { () -> (elapsed: Double, failures: Int, latencies: [UInt64]) in
            let client = PlainHTTPClient(host: host, port: port, path: path)
            var failures = 0
            var latencies: [UInt64] = []
            latencies.reserveCapacity(batches)
            let start = monotonicNanoseconds()
            for index in 0..<batches {
                let sent = monotonicNanoseconds()
                do {
                    let (status, _) = try client.post(encoded[index % distinct], contentType: contentType)
                    if status != 200 { failures += 1 }
                } catch {
                    failures += 1
                }
                latencies.append(monotonicNanoseconds() - sent)
            }
            return (seconds(from: start, to: monotonicNanoseconds()), failures, latencies.sorted())
        }
        let sent = batches * 512
        let accepted = await collector.log.waitForAccepted(atLeast: before + sent) - before
        return WorkloadResult(
            workload: name, library: "collector",
            metrics: [
                "accepted_per_second": Double(accepted) / timing.elapsed, "spans": Double(sent),
                "accepted": Double(accepted), "failed_requests": Double(timing.failures),
                "body_bytes": Double(bodies[0].count), "seconds": timing.elapsed,
                "request_ms_p50": milliseconds(timing.latencies, atFraction: 0.5),
                "request_ms_p99": milliseconds(timing.latencies, atFraction: 0.99),
                "request_ms_max": milliseconds(timing.latencies, atFraction: 1),
            ],
            notes: ["\(batches) requests of 512 spans (\(wire == .httpJSON ? "OTLP-JSON" : "OTLP protobuf"), \(bodies[0].count) bytes each), one connection"])
    }
}
