/// A histogram with explicit bucket boundaries: a count, a sum, the minimum, the maximum and
/// one count per bucket for each attribute set. OTLP's `Histogram`.
public final class MetricHistogram: Sendable {
    /// The metric's name, e.g. `gen_ai.client.token.usage`.
    public let name: String
    /// A UCUM unit: `s`, `{token}`, `USD`.
    public let unit: String
    /// What the metric measures, exported with it.
    public let description: String
    /// The instrumentation library that records it.
    public let scope: InstrumentationScope
    /// Upper bounds of every bucket but the last, ascending; a value equal to a bound belongs to
    /// that bound's bucket.
    public let boundaries: [Double]
    private let table: Locked<SeriesTable<HistogramState>>

    init(name: String, unit: String, description: String, scope: InstrumentationScope, boundaries: [Double], cardinalityLimit: Int) {
        self.name = name
        self.unit = unit
        self.description = description
        self.scope = scope
        self.boundaries = boundaries.sorted()
        table = Locked(SeriesTable(limit: cardinalityLimit))
    }

    /// Records `value`; NaN is ignored (it has no bucket and would poison the sum).
    @inline(__always)
    public func record(_ value: Double, attributes: MetricAttributes) {
        guard !value.isNaN else { return }
        // Bucket search before the lock: 14 comparisons at most, outside the critical section.
        var bucket = 0
        while bucket < boundaries.count && value > boundaries[bucket] { bucket &+= 1 }
        let bucketCount = boundaries.count + 1
        table.withLock { $0.update(attributes, make: { HistogramState(buckets: bucketCount) }) { $0.add(value, bucket: bucket) } }
    }

    /// Measurements that went to the overflow series because the cardinality limit was reached.
    public var overflowCount: Int { table.withLock { $0.overflowed } }
}

struct HistogramState: Sendable {
    var counts: [UInt64]
    var count: UInt64 = 0
    var sum: Double = 0
    var min = Double.infinity
    var max = -Double.infinity

    init(buckets: Int) {
        counts = Array(repeating: 0, count: buckets)
    }

    @inline(__always)
    mutating func add(_ value: Double, bucket: Int) {
        counts[bucket] &+= 1
        count &+= 1
        sum += value
        if value < min { min = value }
        if value > max { max = value }
    }
}

extension MetricHistogram: MetricInstrument {
    func collect(start: UInt64, time: UInt64) -> MetricData? {
        let series = table.withLock { $0.series }
        guard !series.isEmpty else { return nil }
        let points = series.map { attributes, state in
            HistogramPoint(
                attributes: attributes.attributes, startTimeNanoseconds: start, timeNanoseconds: time, count: state.count,
                sum: state.sum, bucketCounts: state.counts, explicitBounds: boundaries,
                min: state.count > 0 ? state.min : nil, max: state.count > 0 ? state.max : nil)
        }
        return MetricData(
            name: name, description: description, unit: unit, scope: scope, temporality: .cumulative,
            points: .histogram(points.sorted { $0.attributes.lexicographicallyPrecedes($1.attributes) }))
    }
}

/// What the provider asks of each instrument at collection time.
protocol MetricInstrument: Sendable {
    var name: String { get }
    var scope: InstrumentationScope { get }
    /// The cumulative state of every series; nil when nothing was recorded.
    func collect(start: UInt64, time: UInt64) -> MetricData?
}

extension Attributes {
    /// An order for attribute sets, so that exports list series the same way each time.
    func lexicographicallyPrecedes(_ other: Attributes) -> Bool {
        for (a, b) in zip(self, other) {
            if a.key != b.key { return a.key < b.key }
            let left = a.value.description, right = b.value.description
            if left != right { return left < right }
        }
        return count < other.count
    }
}
