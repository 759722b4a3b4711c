import Synchronization
import Testing
@testable import ClaudeTraceCore

private let scope = InstrumentationScope(name: "metrics-tests")

/// An exporter that fails while told to, and keeps what it was sent.
private final class ScriptedMetricExporter: MetricExporter {
    let temporality: AggregationTemporality
    private let failing = Mutex(false)
    private let batches = Mutex<[MetricBatch]>([])
    init(temporality: AggregationTemporality) { self.temporality = temporality }
    func fail(_ value: Bool) { failing.withLock { $0 = value } }
    var exported: [MetricBatch] { batches.withLock { $0 } }
    func export(_ batch: MetricBatch) async -> ExportResult {
        if failing.withLock({ $0 }) { return .failure }
        batches.withLock { $0.append(batch) }
        return .success
    }
}

private func histogramPoints(_ batch: MetricBatch, _ name: String) -> [HistogramPoint] {
    guard case .histogram(let points)? = batch.metrics.first(where: { $0.name == name })?.points else { return [] }
    return points
}

private func sumPoints(_ batch: MetricBatch, _ name: String) -> [SumPoint] {
    guard case .sum(let points)? = batch.metrics.first(where: { $0.name == name })?.points else { return [] }
    return points
}

@Suite("Metrics")
struct MetricsTests {
    @Test("a histogram puts a value equal to a bound in that bound's bucket, and its buckets add up to its count")
    func histogramBuckets() {
        let provider = MeterProvider()
        let histogram = provider.histogram("h", unit: "s", boundaries: [1, 4, 16], scope: scope)
        for value in [0.5, 1, 2, 4, 17, 100] { histogram.record(value, attributes: .empty) }
        histogram.record(.nan, attributes: .empty)
        let point = histogramPoints(provider.collect(), "h").first
        #expect(point?.bucketCounts == [2, 2, 0, 2])
        #expect(point?.count == 6 && point?.bucketCounts.reduce(0, +) == 6)
        #expect(point?.sum == 124.5)
        #expect(point?.min == 0.5 && point?.max == 100)
        #expect(point?.explicitBounds == [1, 4, 16])
    }

    @Test("attribute sets are the same series whatever the order of their keys")
    func attributeOrder() {
        let provider = MeterProvider()
        let counter = provider.counter("c", unit: "{call}", scope: scope)
        counter.add(1, attributes: MetricAttributes(["a": "1", "b": "2"]))
        counter.add(2, attributes: MetricAttributes(["b": "2", "a": "1"]))
        let points = sumPoints(provider.collect(), "c")
        #expect(points.count == 1)
        #expect(points.first?.value == .int(3))
        #expect(points.first?.attributes.keys == ["a", "b"])
    }

    @Test("past the cardinality limit new series go to the overflow series and no measurement is lost")
    func cardinalityLimit() {
        let provider = MeterProvider(cardinalityLimit: 3)
        let counter = provider.counter("c", unit: "{call}", scope: scope)
        for user in 0..<10 { counter.add(1, attributes: MetricAttributes(["user.id": .string("u\(user)")])) }
        counter.add(5, attributes: MetricAttributes(["user.id": "u0"]))
        let points = sumPoints(provider.collect(), "c")
        #expect(points.count == 3)
        #expect(points.reduce(0) { $0 + $1.value.doubleValue } == 15)
        #expect(points.first { $0.attributes["otel.metric.overflow"] == .bool(true) }?.value == .int(8))
        #expect(counter.overflowCount == 8)
    }

    @Test("a scaled counter adds integers and exports their total times the scale")
    func scaledCounter() {
        let provider = MeterProvider()
        let cost = provider.counter("cost", unit: "USD", scope: scope, scale: 1e-12)
        for _ in 0..<1000 { cost.add(123_000_000, attributes: .empty) }  // $0.000123 each
        #expect(sumPoints(provider.collect(), "cost").first?.value == .double(123_000_000_000 * 1e-12))
    }

    @Test("asking twice for an instrument returns the same one")
    func sameInstrument() {
        let provider = MeterProvider()
        #expect(provider.counter("c", unit: "1", scope: scope) === provider.counter("c", unit: "1", scope: scope))
        #expect(provider.histogram("h", unit: "s", boundaries: [1], scope: scope) === provider.histogram("h", unit: "s", boundaries: [1], scope: scope))
    }

    @Test("cumulative exports repeat the totals; each carries the provider's start time")
    func cumulativeExports() async {
        let provider = MeterProvider()
        let exporter = InMemoryMetricExporter()
        let reader = PeriodicMetricReader(provider: provider, exporter: exporter, configuration: .init(interval: .seconds(3600)))
        let counter = provider.counter("c", unit: "1", scope: scope)
        counter.add(2, attributes: .empty)
        #expect(await reader.forceFlush() == .success)
        counter.add(3, attributes: .empty)
        #expect(await reader.forceFlush() == .success)
        let values = exporter.exported.map { sumPoints($0, "c").first?.value }
        #expect(values == [.int(2), .int(5)])
        #expect(exporter.exported.allSatisfy { sumPoints($0, "c").first?.startTimeNanoseconds == provider.startTimeNanoseconds })
        #expect(exporter.exported.first?.metrics.first?.temporality == .cumulative)
    }

    @Test("delta exports carry what changed since the last successful export; a failed one is resent with the next")
    func deltaExports() async {
        let provider = MeterProvider()
        let exporter = ScriptedMetricExporter(temporality: .delta)
        let reader = PeriodicMetricReader(provider: provider, exporter: exporter, configuration: .init(interval: .seconds(3600)))
        let counter = provider.counter("c", unit: "1", scope: scope)
        let histogram = provider.histogram("h", unit: "s", boundaries: [1], scope: scope)
        counter.add(2, attributes: .empty)
        histogram.record(0.5, attributes: .empty)
        #expect(await reader.forceFlush() == .success)
        exporter.fail(true)
        counter.add(3, attributes: .empty)
        #expect(await reader.forceFlush() == .failure)
        exporter.fail(false)
        counter.add(4, attributes: .empty)
        histogram.record(2, attributes: .empty)
        #expect(await reader.forceFlush() == .success)
        let batches = exporter.exported
        #expect(batches.map { sumPoints($0, "c").first?.value } == [.int(2), .int(7)])
        #expect(histogramPoints(batches[1], "h").first?.bucketCounts == [0, 1])
        #expect(histogramPoints(batches[1], "h").first?.count == 1)
        #expect(batches[1].metrics.allSatisfy { $0.temporality == .delta })
        let second = sumPoints(batches[1], "c").first
        #expect(second.map { $0.startTimeNanoseconds == sumPoints(batches[0], "c").first?.timeNanoseconds } == true)
        #expect(reader.statistics.failedExports == 1)
    }

    @Test("while exports fail, memory stays bounded: the series stop at the cardinality limit and nothing is queued")
    func boundedWhileFailing() async {
        let provider = MeterProvider(cardinalityLimit: 50)
        let exporter = ScriptedMetricExporter(temporality: .delta)
        exporter.fail(true)
        let reader = PeriodicMetricReader(provider: provider, exporter: exporter, configuration: .init(interval: .seconds(3600)))
        let histogram = provider.histogram("h", unit: "s", boundaries: [1], scope: scope)
        for round in 0..<5 {
            for user in 0..<200 { histogram.record(0.5, attributes: MetricAttributes(["user.id": .string("u\(round)-\(user)")])) }
            #expect(await reader.forceFlush() == .failure)
        }
        let points = histogramPoints(provider.collect(), "h")
        #expect(points.count == 50)
        #expect(points.reduce(0) { $0 + $1.count } == 1_000)
        #expect(reader.statistics.failedExports == 5)
        #expect(reader.statistics.failedDataPoints == 5 * 50)
        exporter.fail(false)
        #expect(await reader.forceFlush() == .success)
        #expect(histogramPoints(exporter.exported[0], "h").reduce(0) { $0 + $1.count } == 1_000, "the failed intervals went out with the next export")
    }

    @Test("the reader exports once an interval, each interval counted from the start of the last")
    func exportsEveryInterval() async {
        let provider = MeterProvider()
        let exporter = InMemoryMetricExporter()
        let clock = ManualClock()
        let start = clock.now
        let reader = PeriodicMetricReader(provider: provider, exporter: exporter, configuration: .init(interval: .seconds(60)), clock: clock)
        provider.counter("c", unit: "1", scope: scope).add(1, attributes: .empty)
        await clock.waitForSleeper(until: start + .seconds(60))
        #expect(exporter.exported.isEmpty)
        clock.advance(by: .seconds(60))
        // Once it sleeps until the next interval, the first export is over.
        await clock.waitForSleeper(until: start + .seconds(120))
        #expect(exporter.exported.count == 1)
        clock.advance(by: .seconds(60))
        await clock.waitForSleeper(until: start + .seconds(180))
        #expect(exporter.exported.count == 2)
        await reader.shutdown()
        #expect(exporter.exported.count == 3)
    }

    @Test("an export that passes the timeout fails, is cancelled and is counted")
    func exportTimeout() async {
        final class StuckMetricExporter: MetricExporter {
            let temporality = AggregationTemporality.cumulative
            let cancelled = Atomic(false)
            func export(_ batch: MetricBatch) async -> ExportResult {
                // A clock nobody advances: the sleep ends only when the export is cancelled.
                let never = ManualClock()
                try? await never.sleep(until: never.now + .seconds(1))
                cancelled.store(Task.isCancelled, ordering: .relaxed)
                return .success
            }
        }
        let provider = MeterProvider()
        let exporter = StuckMetricExporter()
        let clock = ManualClock()
        let start = clock.now
        let reader = PeriodicMetricReader(provider: provider, exporter: exporter, configuration: .init(interval: .seconds(60), timeout: .seconds(10)), clock: clock)
        provider.counter("c", unit: "1", scope: scope).add(1, attributes: .empty)
        async let flushed = reader.forceFlush()
        await clock.waitForSleeper(until: start + .seconds(10))
        clock.advance(by: .seconds(10))
        #expect(await flushed == .failure)
        let cancelled = exporter.cancelled.load(ordering: .relaxed)
        #expect(cancelled)
        #expect(reader.statistics.failedExports == 1 && reader.statistics.failedDataPoints == 1)
    }

    @Test("shutdown exports what is left once, and a second shutdown does nothing")
    func shutdownExports() async {
        let provider = MeterProvider()
        let exporter = InMemoryMetricExporter()
        _ = PeriodicMetricReader(provider: provider, exporter: exporter, configuration: .init(interval: .seconds(3600)))
        provider.counter("c", unit: "1", scope: scope).add(1, attributes: .empty)
        await provider.shutdown()
        await provider.shutdown()
        #expect(exporter.exported.count == 1)
        #expect(await provider.forceFlush() == false)
    }

    @Test("the export interval and timeout come from OTEL_METRIC_EXPORT_INTERVAL and OTEL_METRIC_EXPORT_TIMEOUT")
    func environment() {
        let configuration = PeriodicMetricReader.Configuration.fromEnvironment(EnvironmentReader([
            "OTEL_METRIC_EXPORT_INTERVAL": "1500", "OTEL_METRIC_EXPORT_TIMEOUT": "250",
        ]))
        #expect(configuration.interval == .milliseconds(1500))
        #expect(configuration.timeout == .milliseconds(250))
        #expect(PeriodicMetricReader.Configuration.fromEnvironment(EnvironmentReader([:])) == .init())
    }
}
