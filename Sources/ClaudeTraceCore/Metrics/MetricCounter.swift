/// A monotonic counter: a sum per attribute set, exported as an OTLP `Sum` with
/// `is_monotonic = true`.
///
/// Values are kept as integers. A counter with a ``scale`` adds integers of a small unit and
/// exports their total times the scale as a double: the cost counter adds picodollars and
/// exports US dollars, so millions of additions never drift the way summed doubles do.
public final class MetricCounter: Sendable {
    /// The metric's name, e.g. `gen_ai.client.token.usage`.
    public let name: String
    /// A UCUM unit: `s`, `{token}`, `USD`.
    public let unit: String
    /// What the metric measures, exported with it.
    public let description: String
    /// The instrumentation library that records it.
    public let scope: InstrumentationScope
    /// What one integer unit is worth in exported units; nil exports integers as they are.
    public let scale: Double?
    private let table: Locked<SeriesTable<Int64>>

    init(name: String, unit: String, description: String, scope: InstrumentationScope, scale: Double?, cardinalityLimit: Int) {
        self.name = name
        self.unit = unit
        self.description = description
        self.scope = scope
        self.scale = scale
        table = Locked(SeriesTable(limit: cardinalityLimit))
    }

    /// Adds `amount` (negative amounts are ignored: a counter only goes up).
    @inline(__always)
    public func add(_ amount: Int64, attributes: MetricAttributes) {
        guard amount >= 0 else { return }
        table.withLock { $0.update(attributes, make: { 0 }) { $0 &+= amount } }
    }

    /// Measurements that went to the overflow series because the cardinality limit was reached.
    public var overflowCount: Int { table.withLock { $0.overflowed } }

    func exported(_ total: Int64) -> MetricNumber {
        scale.map { .double(Double(total) * $0) } ?? .int(total)
    }
}

extension MetricCounter: MetricInstrument {
    func collect(start: UInt64, time: UInt64) -> MetricData? {
        let series = table.withLock { $0.series }
        guard !series.isEmpty else { return nil }
        let points = series.map { attributes, total in
            SumPoint(attributes: attributes.attributes, startTimeNanoseconds: start, timeNanoseconds: time, value: exported(total))
        }
        return MetricData(
            name: name, description: description, unit: unit, scope: scope, temporality: .cumulative,
            points: .sum(points.sorted { $0.attributes.lexicographicallyPrecedes($1.attributes) }))
    }
}
