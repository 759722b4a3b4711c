/// Percentiles of a set of durations, in seconds, each within the sketch's relative accuracy:
/// the monitor's latency figures, and `claude-trace report`'s.
public struct Percentiles: Sendable, Hashable, Codable {
    /// How many values were measured.
    public var count: Int
    /// The smallest value.
    public var min: Double
    /// The median.
    public var p50: Double
    /// The 95th percentile.
    public var p95: Double
    /// The 99th percentile.
    public var p99: Double
    /// The largest value.
    public var max: Double
    /// The exact mean.
    public var mean: Double

    /// Figures given one by one.
    public init(count: Int, min: Double, p50: Double, p95: Double, p99: Double, max: Double, mean: Double) {
        self.count = count
        self.min = min
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.max = max
        self.mean = mean
    }

    /// The sketch's figures; nil for an empty sketch.
    public init?(_ sketch: QuantileSketch) {
        guard let min = sketch.min, let max = sketch.max, let mean = sketch.mean,
              let p50 = sketch.quantile(0.5), let p95 = sketch.quantile(0.95), let p99 = sketch.quantile(0.99)
        else { return nil }
        self.init(count: sketch.count, min: min, p50: p50, p95: p95, p99: p99, max: max, mean: mean)
    }
}
