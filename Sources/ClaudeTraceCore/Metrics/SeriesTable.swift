/// An instrument's series, keyed by attributes, bounded by the cardinality limit.
///
/// Once `limit - 1` distinct attribute sets exist, a measurement with a new set goes to the
/// overflow series (`otel.metric.overflow=true`), so the table never holds more than `limit`
/// series and no measurement is lost: the sum over all series stays right.
/// https://opentelemetry.io/docs/specs/otel/metrics/sdk/#cardinality-limits
struct SeriesTable<State: Sendable>: Sendable {
    private(set) var series: [MetricAttributes: State] = [:]
    let limit: Int
    /// Measurements that went to the overflow series because the table was full.
    private(set) var overflowed = 0

    init(limit: Int) {
        self.limit = Swift.max(2, limit)
    }

    /// Applies `update` to the series of `attributes`, creating it with `make` when new.
    @inline(__always)
    mutating func update(_ attributes: MetricAttributes, make: () -> State, _ update: (inout State) -> Void) {
        // One hash lookup on the common path, a series that exists.
        if let index = series.index(forKey: attributes) {
            update(&series.values[index])
            return
        }
        var key = attributes
        if series.count >= limit - 1 && attributes != .overflow {
            key = .overflow
            overflowed += 1
        }
        update(&series[key, default: make()])
    }
}
