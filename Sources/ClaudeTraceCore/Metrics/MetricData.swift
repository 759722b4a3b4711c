/// Whether a data point covers everything since the series began or only the time since the
/// previous export. OTLP's `AggregationTemporality` (delta 1, cumulative 2).
/// https://opentelemetry.io/docs/specs/otel/metrics/data-model/#temporality
public enum AggregationTemporality: Int, Sendable, Hashable {
    /// Each point covers the time since the previous export.
    case delta = 1
    /// Each point covers everything since the series began.
    case cumulative = 2
}

/// A counter's value: integer counters export `as_int`, the others `as_double`.
public enum MetricNumber: Sendable, Hashable {
    /// An integer counter's value.
    case int(Int64)
    /// A scaled or floating-point counter's value.
    case double(Double)

    /// The value as a double, whichever it is.
    public var doubleValue: Double {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        }
    }
}

/// One series of a sum (a counter): OTLP's `NumberDataPoint`.
public struct SumPoint: Sendable, Hashable {
    /// The series' attributes.
    public var attributes: Attributes
    /// Unix nanoseconds when the span of time this point covers began.
    public var startTimeNanoseconds: UInt64
    /// Unix nanoseconds of the collection.
    public var timeNanoseconds: UInt64
    /// The sum over the span of time covered.
    public var value: MetricNumber

    /// A point with every field given.
    public init(attributes: Attributes, startTimeNanoseconds: UInt64, timeNanoseconds: UInt64, value: MetricNumber) {
        self.attributes = attributes
        self.startTimeNanoseconds = startTimeNanoseconds
        self.timeNanoseconds = timeNanoseconds
        self.value = value
    }
}

/// One series of an explicit-bucket histogram: OTLP's `HistogramDataPoint`.
///
/// `bucketCounts` has one more element than `explicitBounds`: bucket `i` counts the values
/// `v` with `bounds[i-1] < v <= bounds[i]` (the first from −∞, the last to +∞), so the counts
/// add up to ``count``.
public struct HistogramPoint: Sendable, Hashable {
    /// The series' attributes.
    public var attributes: Attributes
    /// Unix nanoseconds when the span of time this point covers began.
    public var startTimeNanoseconds: UInt64
    /// Unix nanoseconds of the collection.
    public var timeNanoseconds: UInt64
    /// Values recorded.
    public var count: UInt64
    /// Their sum.
    public var sum: Double
    /// Values per bucket: one more element than `explicitBounds`.
    public var bucketCounts: [UInt64]
    /// The buckets' upper bounds, ascending (the last bucket has none).
    public var explicitBounds: [Double]
    /// The smallest and largest values recorded; nil for delta points (a difference of two
    /// cumulative states cannot tell them) and for an empty point.
    public var min: Double?
    /// The largest value recorded; nil when `min` is.
    public var max: Double?

    /// A point with every field given.
    public init(
        attributes: Attributes, startTimeNanoseconds: UInt64, timeNanoseconds: UInt64, count: UInt64, sum: Double,
        bucketCounts: [UInt64], explicitBounds: [Double], min: Double?, max: Double?
    ) {
        self.attributes = attributes
        self.startTimeNanoseconds = startTimeNanoseconds
        self.timeNanoseconds = timeNanoseconds
        self.count = count
        self.sum = sum
        self.bucketCounts = bucketCounts
        self.explicitBounds = explicitBounds
        self.min = min
        self.max = max
    }
}

/// One instrument's collected series: OTLP's `Metric` with a `Sum` or a `Histogram`.
public struct MetricData: Sendable, Hashable {
    /// The data points: a sum's or a histogram's.
    public enum Points: Sendable, Hashable {
        /// A monotonic sum (every counter here is monotonic).
        case sum([SumPoint])
        /// An explicit-bucket histogram.
        case histogram([HistogramPoint])
    }

    /// The instrument's name.
    public var name: String
    /// The instrument's description.
    public var description: String
    /// A UCUM unit: `s`, `{token}`, `USD`.
    public var unit: String
    /// The instrumentation library that recorded it.
    public var scope: InstrumentationScope
    /// Whether the points are cumulative or deltas.
    public var temporality: AggregationTemporality
    /// One point per series.
    public var points: Points

    /// A metric with every field given.
    public init(
        name: String, description: String, unit: String, scope: InstrumentationScope,
        temporality: AggregationTemporality, points: Points
    ) {
        self.name = name
        self.description = description
        self.unit = unit
        self.scope = scope
        self.temporality = temporality
        self.points = points
    }

    /// How many series (data points) this metric holds.
    public var pointCount: Int {
        switch points {
        case .sum(let points): points.count
        case .histogram(let points): points.count
        }
    }
}

/// What one collection produced: the provider's resource and every instrument with data.
/// One `ResourceMetrics` in OTLP.
public struct MetricBatch: Sendable, Hashable {
    /// The provider's resource.
    public var resource: Resource
    /// Every instrument that has data, in the order they were made.
    public var metrics: [MetricData]

    /// A batch of `metrics` for `resource`.
    public init(resource: Resource, metrics: [MetricData]) {
        self.resource = resource
        self.metrics = metrics
    }

    /// Data points across every metric.
    public var pointCount: Int { metrics.reduce(0) { $0 + $1.pointCount } }
}
